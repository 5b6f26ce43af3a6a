// Package stackstart makes new goroutines start with stacks as deep as a GraphQL resolver's.
//
// gqlgen resolves each field that has a resolver, and each item of a list of objects, in a
// goroutine of its own: a page of 100 services with three relationship fields each starts some
// 350 goroutines, each of which runs the field's middleware, its resolver and the marshalling of
// what is below it, some 10 to 16 KiB of stack. The runtime starts a goroutine with a stack of
// the average size it found in use at the last collection (Go's adaptive stack start), and that
// average is mostly the server's idle goroutines (connections, the driver's), a few KiB: so every
// resolver goroutine grew its stack two or three times, copying it each time, about a fifth of
// the server's CPU on a page (runtime.newstack in a CPU profile of BenchmarkRegion).
//
// Hold parks goroutines that keep a resolver's depth of stack in use, so that the average the
// runtime measures, and the stack new goroutines start with, is a resolver's.
package stackstart

import "sync"

// depth is the stack each parked goroutine keeps in use, in bytes: about what a resolver
// goroutine of a directory page uses.
const depth = 12 << 10

var once sync.Once

// Hold parks n goroutines, each with depth bytes of stack in use, for the life of the process.
// It is idempotent.
func Hold(n int) {
	once.Do(func() {
		for i := 0; i < n; i++ {
			go park(depth)
		}
	})
}

var forever = make(chan struct{})

// park uses about left bytes of stack, in frames of 1 KiB, and blocks at the bottom.
//
//go:noinline
func park(left int) byte {
	var frame [1 << 10]byte
	if left <= len(frame) {
		<-forever
		return frame[0]
	}
	frame[left%len(frame)] = byte(left)
	return park(left-len(frame)) + frame[len(frame)-1]
}
