package stackstart

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func startingSize() uint64 {
	s := []metrics.Sample{{Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// After a collection, new goroutines start with a stack deeper than the runtime's 2 KiB
// minimum: as deep as the goroutines held.
func TestHeldGoroutinesSetTheStartingStack(t *testing.T) {
	runtime.GC()
	before := startingSize()
	Hold(64)
	time.Sleep(50 * time.Millisecond) // the held goroutines reach their depth
	// The starting size is worked out from the stacks the previous collection scanned.
	runtime.GC()
	runtime.GC()
	after := startingSize()
	if after < 8<<10 {
		t.Errorf("starting stack: %d bytes before, %d after; want at least 8 KiB after", before, after)
	}
	t.Logf("starting stack: %d bytes before, %d after", before, after)
}
