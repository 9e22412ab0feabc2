/** Line colours, distinguishable for the common colour-vision deficiencies (Okabe–Ito based). */
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C564B', '#332288'];

export const AXIS_TICK = { fontSize: 11, fill: '#64748b' };
export const GRID_STROKE = '#e2e8f0';
