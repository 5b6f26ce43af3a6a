package main

import (
	"runtime/debug"

	"snodo/internal/stackstart"
)

// The collector's pace for serving, unless the operator sets GOGC or GOMEMLIMIT. A request
// leaves a few megabytes of short-lived garbage (the driver's records, gqlgen's field sets);
// at the runtime's default pace (GOGC=100) the collector took about a fifth of a page's CPU.
// At 400 it runs a quarter as often (BenchmarkRegion, question a: 7.8 to 6.0 ms of CPU per
// request), and the soft limit makes it run more often again before the heap nears the memory
// budget of the issue (150 MB resident).
const (
	serveGCPercent   = 400
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
