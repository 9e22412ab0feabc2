import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { importDirection } from './eslint.layers.js';

const config = [
  { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } },
  ...importDirection(),
];

function problems(filename, code) {
  const linter = new Linter({ cwd: import.meta.dirname });
  return linter
    .verify(code, config, { filename })
    .map((message) => `${message.ruleId}: ${message.message}`);
}

describe('import direction', () => {
  it('refuses an import from a higher folder', () => {
    expect(problems('src/lib/format.ts', "import Machines from '@/pages/Machines';")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*lib\/ may import only from types, stores, api/),
    ]);
    expect(problems('src/api/devices.ts', "import { useDevices } from '@/hooks/useDevices';")).toHaveLength(1);
    expect(problems('src/components/ui/Card.tsx', "import type { X } from '@/pages/Rules';")).toHaveLength(1);
    expect(problems('src/hooks/useX.ts', "export { router } from '@/router';")).toHaveLength(1);
  });

  it('refuses a nested module of a higher folder and a relative way around the rule', () => {
    expect(problems('src/types/rules.ts', "import { Button } from '@/components/ui/Button';")).toHaveLength(1);
    expect(problems('src/lib/format.ts', "import { Button } from '../components/ui/Button';")).toHaveLength(1);
  });

  it('keeps test helpers out of the app but open to tests', () => {
    expect(problems('src/hooks/useX.ts', "import { mockApi } from '@/test/mockApi';")).toHaveLength(1);
    expect(problems('src/hooks/useX.test.tsx', "import { mockApi } from '@/test/mockApi';")).toEqual([]);
  });

  it('lets a folder import from itself and from every folder below it', () => {
    const code = [
      "import type { Device } from '@/types/device';",
      "import { useAuthStore } from '@/stores/authStore';",
      "import { api } from '@/api/client';",
      "import { formatNumber } from '@/lib/format';",
      "import { useDevices } from '@/hooks/useDevices';",
      "import { Button } from '@/components/ui/Button';",
      "import { helper } from './helper';",
    ].join('\n');
    expect(problems('src/pages/Machines.tsx', code)).toEqual([]);
    expect(problems('src/router.tsx', "import Machines from '@/pages/Machines';")).toEqual([]);
  });
});
