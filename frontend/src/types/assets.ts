/** The asset tree and virtual meters (/assets, /virtual-meters). */
import { membersOf } from '@/types/api';
import type { Schema } from '@/types/api';

export type AssetTree = Schema<'AssetTree'>;
export type AssetNode = Schema<'NodeRead'>;
export type NodeKind = AssetNode['kind'];
export const NODE_KINDS = membersOf<NodeKind>()(['site', 'area', 'line', 'machine', 'other']);
export type NodeCreate = Schema<'NodeCreate'>;
export type NodeUpdate = Schema<'NodeUpdate'>;
export type VirtualMeter = Schema<'VirtualMeterRead'>;
export type VirtualMeterWrite = Schema<'VirtualMeterCreate'>;
export type MeterTerm = Schema<'MeterTerm'>;
