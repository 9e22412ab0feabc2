import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createWebhook,
  deleteWebhook,
  getWhatsAppSetup,
  listDeliveries,
  listWebhooks,
  rotateWebhookSecret,
  saveWhatsAppTemplates,
  testWebhook,
  updateWebhook,
} from '@/api/notifications';
import type { DeliveryQuery, WebhookUpdate, WhatsAppSetup } from '@/types/notifications';

export const notificationKeys = {
  deliveries: (params: DeliveryQuery) => ['deliveries', params] as const,
  webhooks: ['webhooks'] as const,
  whatsapp: ['whatsapp-setup'] as const,
};

// Provider callbacks move statuses on their own: the log refreshes while it is shown.
const DELIVERY_REFRESH_MS = 15_000;

export function useDeliveries(params: DeliveryQuery) {
  return useQuery({
    queryKey: notificationKeys.deliveries(params),
    queryFn: ({ signal }) => listDeliveries(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: DELIVERY_REFRESH_MS,
  });
}

export function useWebhooks() {
  return useQuery({ queryKey: notificationKeys.webhooks, queryFn: ({ signal }) => listWebhooks(signal) });
}

function useInvalidateWebhooks() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: notificationKeys.webhooks });
    void queryClient.invalidateQueries({ queryKey: ['deliveries'] });
    void queryClient.invalidateQueries({ queryKey: ['audit'] });
  };
}

export function useCreateWebhook() {
  const invalidate = useInvalidateWebhooks();
  // The answer holds the signing secret: it must not outlive the dialog in a cache.
  return useMutation({ mutationFn: createWebhook, onSuccess: invalidate, gcTime: 0 });
}

export function useUpdateWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({ mutationFn: ({ id, body }: { id: number; body: WebhookUpdate }) => updateWebhook(id, body), onSuccess: invalidate });
}

export function useRotateWebhookSecret() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({ mutationFn: (id: number) => rotateWebhookSecret(id), onSuccess: invalidate, gcTime: 0 });
}

export function useTestWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({ mutationFn: (id: number) => testWebhook(id), onSuccess: invalidate });
}

export function useDeleteWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({ mutationFn: (id: number) => deleteWebhook(id), onSuccess: invalidate });
}

export function useWhatsAppSetup() {
  return useQuery({ queryKey: notificationKeys.whatsapp, queryFn: ({ signal }) => getWhatsAppSetup(signal) });
}

export function useSaveWhatsAppTemplates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveWhatsAppTemplates,
    onSuccess: (next: WhatsAppSetup) => queryClient.setQueryData(notificationKeys.whatsapp, next),
  });
}
