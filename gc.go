package main

import (
	"runtime/debug"

	"snodo/internal/stackstart"
)

// The collector's pace for serving, unless the operator sets GOGC or GOMEMLIMIT. A request
// leaves short-lived garbage and little else (question c of the region: 134 KB a request, the
// driver's records, gqlgen's field sets, the statement's text; a live heap of about 2 MB). At
// the runtime's default pace (GOGC=100) the collector took about a fifth of a page's CPU; at
// 400 (BenchmarkRegion, question a: 7.8 to 6.0 ms of CPU per request) the heap goal stayed at
// the runtime's floor of 4 MB x GOGC/100 = 16 MB, a collection every hundred requests of c, so
// that about one request in a hundred, the p99, ran beside one. At 1600 the floor is 64 MB, a
// collection every 480 requests of c; `../shared/peer`'s loadgen, fresh servers alternated,
// 400 against 1600: c's p99 -7 to -21% at concurrency 1, -2 to -11% at 16, CPU per request -7
// to -11% at 16; resident size under load 47-93 MB at 400, 93-114 MB at 1600. The soft limit
// keeps the heap under the memory budget of the issue (150 MB resident) whatever the live heap:
// over 19 MB live, it is what paces the collector at either setting.
const (
	serveGCPercent   = 1600
	serveMemoryLimit = 96 << 20
)

// stackHolders are the goroutines that keep a resolver's depth of stack in use, so that new
// goroutines start with a resolver's stack (internal/stackstart): BenchmarkRegion, question a,
// 7.0 to 5.5 ms of CPU per request, the stack copies (runtime.newstack) 20% of it to 4%.
const stackHolders = 64

// tuneGC sets the collector's pace for `snodo serve` where the environment does not, and the
// stack new goroutines start with.
func tuneGC(getenv func(string) string) {
	stackstart.Hold(stackHolders)
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
}
