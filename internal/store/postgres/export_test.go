package postgres

import "time"

// SetIdle sets how long an unused limiter keeps its pool open.
func (l *Limiter) SetIdle(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.idle = d
}

// PoolConns reports whether the limiter's pool is open and how many
// connections it has.
func (l *Limiter) PoolConns() (open bool, conns int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pool == nil {
		return false, 0
	}
	return true, int(l.pool.Stat().TotalConns())
}
