import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { followAlertEvents } from '@/api/alertStream';
import { alertKeys } from '@/hooks/useAlerts';
import { useAuthStore } from '@/stores/authStore';

/**
 * Keeps the badge, the Alerts page, an open alert's details and the dashboard's recent alerts
 * current as alert events arrive; their 15 s polling stays as the fallback while the stream
 * is down. Mounted once, in the signed-in layout.
 */
export function useAlertStream(): boolean {
  const queryClient = useQueryClient();
  const signedIn = useAuthStore((state) => state.user !== null);
  const [live, setLive] = useState(false);

  useEffect(() => {
    if (!signedIn) return;
    const controller = new AbortController();
    void followAlertEvents(
      () => {
        void queryClient.invalidateQueries({ queryKey: alertKeys.all });
        void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      },
      setLive,
      controller.signal,
    );
    return () => controller.abort();
  }, [queryClient, signedIn]);

  return live;
}
