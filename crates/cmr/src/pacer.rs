//! Client-side pacing: an adaptive limiter that runs at the server's rate
//! limit without drawing a 429.
//!
//! CMR allows `N` requests per rolling second per key. The server counts a
//! request when it *arrives*; the client only knows when it *sent* one and
//! when its answer *came back*. Spacing sends `1/N` s apart is not enough:
//! one request delayed on the way and the next one on time land closer than
//! `1/N` apart and the server's window sees `N + 1`.
//!
//! So this pacer is a window of `N` permits where a permit is taken before a
//! request is sent and returned one window **after its answer arrived**.
//! A request's arrival is before its answer, and the next request that
//! reuses the permit is sent after the window closed, so any rolling window
//! on the server sees at most `N` of our requests, whatever the latency or
//! the scheduling jitter. The cost is one round trip per window: on loopback
//! 5 req/s becomes ~4.99 req/s.
//!
//! Adaptive: a 429 (with `Retry-After`) blocks every new permit until the
//! server's time has passed and lowers the window by one permit (never
//! under one); every `N` answers without a 429 give one permit back, up to
//! the configured rate.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// The adaptive limiter. Shared by every clone of a client.
#[derive(Debug)]
pub struct Pacer {
    /// Configured permits per window.
    target: usize,
    window: Duration,
    state: Mutex<State>,
    notify: Notify,
}

#[derive(Debug)]
struct State {
    /// Current permits per window (`1..=target`).
    limit: usize,
    in_flight: usize,
    /// When recently answered requests' permits come back (sorted).
    returns: VecDeque<Instant>,
    /// No permit before this (after a 429 with `Retry-After`).
    blocked_until: Option<Instant>,
    /// Answers without a 429 since the last change of `limit`.
    clean: usize,
    /// 429s seen (for tests and benchmarks).
    rate_limited: u64,
}

/// A taken permit: returned (one window later) when dropped.
#[derive(Debug)]
pub struct Permit<'a> {
    pacer: &'a Pacer,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.pacer.release();
    }
}

impl Pacer {
    /// A pacer at `rps` requests per second (`rps` > 0). Whole rates are
    /// `rps` permits per second; a rate under 1 is one permit per `1/rps` s;
    /// other fractions keep the floor as permits and stretch the window
    /// (4.5/s = 4 permits per 0.889 s).
    pub fn new(rps: f64) -> Pacer {
        use crate::config::defaults::{MAX_REQUESTS_PER_SECOND, MIN_REQUESTS_PER_SECOND, RATE_LIMIT_PER_SECOND};
        // Clamped, so no rate can make a window too long for a Duration.
        let rps = if rps > 0.0 && rps.is_finite() { rps } else { RATE_LIMIT_PER_SECOND };
        let rps = rps.clamp(MIN_REQUESTS_PER_SECOND, MAX_REQUESTS_PER_SECOND);
        let target = (rps.floor() as usize).clamp(1, 10_000);
        let window = Duration::from_secs_f64(target as f64 / rps);
        Pacer {
            target,
            window,
            state: Mutex::new(State {
                limit: target,
                in_flight: 0,
                returns: VecDeque::new(),
                blocked_until: None,
                clean: 0,
                rate_limited: 0,
            }),
            notify: Notify::new(),
        }
    }

    /// Permits per window now (lowered by 429s, recovers).
    pub fn current_limit(&self) -> usize {
        self.lock().limit
    }

    /// 429s reported to this pacer so far.
    pub fn rate_limited_count(&self) -> u64 {
        self.lock().rate_limited
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means another thread panicked mid-update of
        // plain counters: keep going with what is there.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait for a permit. Cancel-safe: dropping the future takes nothing.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            let notified = self.notify.notified();
            let wake = {
                let mut s = self.lock();
                let now = Instant::now();
                while s.returns.front().is_some_and(|t| *t <= now) {
                    s.returns.pop_front();
                }
                match s.blocked_until {
                    Some(b) if b > now => Some(b),
                    _ => {
                        s.blocked_until = None;
                        if s.in_flight + s.returns.len() < s.limit {
                            s.in_flight += 1;
                            return Permit { pacer: self };
                        }
                        // Earliest return, or (all in flight) the next answer.
                        s.returns.front().copied()
                    }
                }
            };
            match wake {
                Some(at) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(at.into()) => {}
                        _ = notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    fn release(&self) {
        {
            let mut s = self.lock();
            s.in_flight = s.in_flight.saturating_sub(1);
            let back = Instant::now() + self.window;
            s.returns.push_back(back);
            s.clean += 1;
            if s.limit < self.target && s.clean >= self.target {
                s.limit += 1;
                s.clean = 0;
            }
        }
        self.notify.notify_waiters();
    }

    /// The server answered 429: wait what it asked (at least one window),
    /// and run one permit lower for a while.
    pub fn on_rate_limited(&self, retry_after: Option<Duration>) {
        {
            let mut s = self.lock();
            s.rate_limited += 1;
            let wait = retry_after.unwrap_or(self.window).clamp(self.window, Duration::from_secs(60));
            let until = Instant::now() + wait;
            s.blocked_until = Some(s.blocked_until.map_or(until, |b| b.max(until)));
            s.limit = s.limit.saturating_sub(1).max(1);
            // The 429 answer's permit does not count as clean.
            s.clean = 0;
        }
        self.notify.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_map_to_permits_and_windows() {
        let p = Pacer::new(5.0);
        assert_eq!((p.target, p.window), (5, Duration::from_secs(1)));
        let p = Pacer::new(0.5);
        assert_eq!((p.target, p.window), (1, Duration::from_secs(2)));
        let p = Pacer::new(4.5);
        assert_eq!(p.target, 4);
        assert!((p.window.as_secs_f64() - 4.0 / 4.5).abs() < 1e-9);
        // Garbage falls back to CMR's documented rate instead of panicking.
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(Pacer::new(bad).target, 5);
        }
        assert_eq!(Pacer::new(1e12).target, 10_000);
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_n_permits_per_window_counted_from_answers() {
        let p = Pacer::new(5.0);
        let start = Instant::now();
        let mut grants = Vec::new();
        for _ in 0..15 {
            let permit = p.acquire().await;
            grants.push(Instant::now() - start);
            drop(permit);
        }
        // 5 at once, then each permit comes back one window after its answer.
        for (i, g) in grants.iter().enumerate() {
            assert_eq!(g.as_secs(), (i / 5) as u64, "grant {i} at {g:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_blocks_then_lowers_then_recovers() {
        let p = Pacer::new(5.0);
        drop(p.acquire().await);
        p.on_rate_limited(Some(Duration::from_secs(3)));
        assert_eq!(p.current_limit(), 4);
        let t = Instant::now();
        drop(p.acquire().await);
        assert!(Instant::now() - t >= Duration::from_secs(3));
        for _ in 0..5 {
            drop(p.acquire().await);
        }
        assert_eq!(p.current_limit(), 5, "recovers after a window's worth of clean answers");
        assert_eq!(p.rate_limited_count(), 1);
    }
}
