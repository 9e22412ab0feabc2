/** Production, baselines and shifts (/production, /baselines, /shifts, /energy/shifts). */
import type { Schema } from '@/types/api';

export type ProductionTable = Schema<'ProductionTable'>;
export type ProductionDay = Schema<'ProductionDay'>;
export type ProductionEntryInput = Schema<'EntryInput'>;
export type UploadResult = Schema<'UploadResult'>;
export type Baseline = Schema<'BaselineRead'>;
export type BaselineCreate = Schema<'BaselineCreate'>;
export type BaselinePerformance = Schema<'BaselinePerformance'>;
export type Shift = Schema<'ShiftRead'>;
export type ShiftWrite = Schema<'ShiftCreate'>;
export type ShiftReport = Schema<'ShiftReport'>;
