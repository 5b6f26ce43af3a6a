package store

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// QueryObserver is told of every Cypher statement the store sends: the name of the store
// function that sent it (CreateZone, lockNode, Get: a name, never the text or the values), how
// long it took to answer in full, and its error.
type QueryObserver func(name string, took time.Duration, err error)

var queryObserver atomic.Pointer[QueryObserver]

// ObserveQueries sets the observer of the store's statements (nil for none), for the metrics.
func ObserveQueries(f QueryObserver) {
	if f == nil {
		queryObserver.Store(nil)
		return
	}
	queryObserver.Store(&f)
}

func observeQuery(start time.Time, err error) {
	f := queryObserver.Load()
	if f == nil {
		return
	}
	(*f)(queryName(), time.Since(start), err)
}

var queryNames sync.Map // program counter → name

// queryName names a statement by the function that called run: a closure by the function it
// lies in, a method without its receiver.
func queryName() string {
	var pcs [1]uintptr
	if runtime.Callers(4, pcs[:]) == 0 { // Callers, queryName, observeQuery, run, its caller
		return "unknown"
	}
	if name, ok := queryNames.Load(pcs[0]); ok {
		return name.(string)
	}
	frame, _ := runtime.CallersFrames(pcs[:]).Next()
	name := frame.Function
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.TrimPrefix(name, "store.")
	name = strings.TrimPrefix(name, "(*Store).")
	if i := strings.Index(name, ".func"); i > 0 {
		name = name[:i]
	}
	if i := strings.Index(name, "["); i > 0 { // a generic function
		name = name[:i]
	}
	queryNames.Store(pcs[0], name)
	return name
}
