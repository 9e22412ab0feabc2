/** What a bulk import did, read from the credentials CSV it answered with. */
export interface ImportSummary {
  created: number;
  updated: number;
}

/** Counts the `action` column of every row after the header. */
export function importSummary(csv: string): ImportSummary {
  const lines = csv.split(/\r?\n/).filter((line) => line !== '');
  const header = (lines[0] ?? '').split(',');
  const at = header.indexOf('action');
  const summary: ImportSummary = { created: 0, updated: 0 };
  for (const line of lines.slice(1)) {
    const action = csvCells(line)[at];
    if (action === 'created') summary.created += 1;
    else if (action === 'updated') summary.updated += 1;
  }
  return summary;
}

/** The cells of one CSV line (RFC 4180 quoting; the file has no line breaks inside cells). */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell);
  return cells;
}

/** The template a user fills in: the columns the import reads. */
export const IMPORT_TEMPLATE = 'device_key,name,type,location,area,manufacturer,model\n';
