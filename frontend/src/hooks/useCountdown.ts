import { useCallback, useEffect, useState } from 'react';

/**
 * Whole seconds left until a deadline. Reads the clock rather than counting ticks, because
 * browsers throttle timers in background tabs.
 */
export function useCountdown() {
  const [until, setUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const start = useCallback((seconds: number) => {
    const t = Date.now();
    setNow(t);
    setUntil(seconds > 0 ? t + seconds * 1000 : null);
  }, []);

  const stop = useCallback(() => setUntil(null), []);

  useEffect(() => {
    if (until === null) return;
    const id = window.setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= until) setUntil(null);
    }, 250);
    return () => window.clearInterval(id);
  }, [until]);

  const remaining = until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
  return { remaining, start, stop };
}
