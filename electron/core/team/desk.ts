// Which desk this is: an id made once per data folder and kept in it (desk.json, 0600), and a name people
// recognise (the computer's name unless PAYDESK_DESK_NAME says otherwise). Desks sharing a team database tell
// each other apart by the id: in the lease, the list of desks holding the team key, and change notices.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { writePrivateText } from '../private-fs';

export interface DeskIdentity {
  id: string;
  name: string;
}

export const DESK_FILE = 'desk.json';

const clean = (s: string | undefined): string | null => {
  const t = s?.replace(/\s+/g, ' ').trim().slice(0, 200);
  return t ? t : null;
};

function readDeskFile(file: string): DeskIdentity | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeskIdentity>;
    return typeof v.id === 'string' && v.id.length > 0 && typeof v.name === 'string' ? { id: v.id, name: v.name } : null;
  } catch {
    return null;
  }
}

/** This data folder's desk; made (and written, 0600) the first time. A name given later replaces the stored one. */
export function deskIdentity(dataDir: string, name: string | undefined = process.env.PAYDESK_DESK_NAME): DeskIdentity {
  const file = path.join(dataDir, DESK_FILE);
  const known = readDeskFile(file);
  const wanted = clean(name);
  if (known && (!wanted || wanted === known.name)) return known;
  const desk = { id: known?.id ?? randomUUID(), name: wanted ?? known?.name ?? clean(hostname()) ?? 'Desk' };
  writePrivateText(file, `${JSON.stringify(desk)}\n`);
  return desk;
}
