/** How long the factory keeps its data and what it stores (/factories/current/data-lifecycle). */
import type { Schema } from '@/types/api';

export type DataLifecycle = Schema<'DataLifecycleRead'>;
export type RetentionSettings = Schema<'RetentionSettings'>;
export type RetentionUpdate = Schema<'RetentionUpdate'>;
export type StorageUse = Schema<'StorageUseRead'>;
