import { describe, expect, it } from 'vitest';
import { csvCells, importSummary } from '@/lib/deviceImport';

describe('device import answers', () => {
  it('counts created and updated rows, names with commas and quotes included', () => {
    const csv =
      'row,device_key,name,action,mqtt_host,mqtt_port,tls,client_id,username,password,topic\r\n' +
      '1,press-1,"Press 1, hall ""A""",created,mqtt,8883,true,p:press-1,p:press-1,tok,t\r\n' +
      '2,press-2,Press 2,updated,,,,,,,\r\n';
    expect(importSummary(csv)).toEqual({ created: 1, updated: 1 });
    expect(csvCells('1,"a, ""b""",c')).toEqual(['1', 'a, "b"', 'c']);
  });
});
