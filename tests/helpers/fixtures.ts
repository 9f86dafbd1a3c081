import type { TestApp } from './app.ts';

let seq = 0;

/** Inserts templates straight into the database (with version rows via the repository path of the API). */
export async function makeTemplates(app: TestApp, n: number, prefix = 'fx'): Promise<{ id: string; name: string }[]> {
  const inputs = Array.from({ length: n }, () => {
    seq += 1;
    return {
      name: `${prefix}-${seq}-${Math.random().toString(36).slice(2, 8)}`,
      category: 'development',
      content: 'Do {{ task }}',
      variables: [{ name: 'task' }],
    };
  });
  const out: { id: string; name: string }[] = [];
  for (let i = 0; i < inputs.length; i += 100) {
    const res = await app.gql(`mutation($inputs: [CreateTemplateInput!]!) { createTemplates(inputs: $inputs) { id name } }`, {
      inputs: inputs.slice(i, i + 100),
    });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    out.push(...res.data.createTemplates);
  }
  return out;
}
