//go:build linux

package kb

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, every thread and the
// garbage collector included.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
