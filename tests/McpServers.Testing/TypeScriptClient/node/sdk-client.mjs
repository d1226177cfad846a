// Test-only driver: the official TypeScript MCP SDK client, used exactly as an application would use it (Client +
// StdioClientTransport, listTools before callTool), so our servers are checked by a client we did not write.
//
// The C# side (../TypeScriptSdkClient.cs) writes one JSON step per line on stdin and reads one JSON answer per line
// on stdout, in order. Steps:
//   {"op":"connect","command":"...","args":[...],"env":{...},"cwd":"..."}  spawn the server and initialize
//   {"op":"connectHttp","url":"...","token":"..."}                          Streamable HTTP with a bearer token
//   {"op":"listTools"}                                                       tools/list (the SDK validates every tool)
//   {"op":"callTool","name":"...","arguments":{...}}                        tools/call (the SDK validates the result)
//   {"op":"close"}                                                           close the session, stop the server
// Answers: {"ok":true,"result":...} or {"ok":false,"error":{"name","code","message","data"}}. Whatever the SDK
// rejects comes back as an error answer; the assertions live in C#. The server's stderr passes through to ours.
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

let client;
// Errors the transport reports outside any request (e.g. a stdout line that is not JSON-RPC).
const transportErrors = [];

async function run(step) {
  switch (step.op) {
    case 'connect': {
      const transport = new StdioClientTransport({
        command: step.command,
        args: step.args ?? [],
        // What a client application passes: its safe defaults (PATH, HOME, ...) plus the configured variables.
        env: { ...getDefaultEnvironment(), ...(step.env ?? {}) },
        cwd: step.cwd,
        stderr: 'inherit',
      });
      client = new Client({ name: 'mcpservers-typescript-sdk-test', version: '1.0.0' }, { capabilities: {} });
      client.onerror = (error) => transportErrors.push(String(error?.message ?? error));
      await client.connect(transport);
      return { serverInfo: client.getServerVersion(), capabilities: client.getServerCapabilities() };
    }
    case 'connectHttp': {
      // What a remote client does once it holds an access token: every request carries it.
      const transport = new StreamableHTTPClientTransport(new URL(step.url), {
        requestInit: { headers: { Authorization: `Bearer ${step.token}` } },
      });
      client = new Client({ name: 'mcpservers-typescript-sdk-test', version: '1.0.0' }, { capabilities: {} });
      client.onerror = (error) => transportErrors.push(String(error?.message ?? error));
      await client.connect(transport);
      return { serverInfo: client.getServerVersion(), capabilities: client.getServerCapabilities() };
    }
    case 'listTools':
      return await client.listTools();
    case 'callTool':
      return await client.callTool({ name: step.name, arguments: step.arguments ?? {} });
    case 'close':
      await client?.close();
      client = undefined;
      return { transportErrors };
    default:
      throw new Error(`Unknown step '${step.op}'.`);
  }
}

function describe(error) {
  return {
    name: error?.name ?? 'Error',
    code: typeof error?.code === 'number' ? error.code : null,
    message: String(error?.message ?? error),
    data: error?.data ?? null,
  };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') {
    continue;
  }

  let answer;
  try {
    answer = { ok: true, result: (await run(JSON.parse(line))) ?? null };
  } catch (error) {
    answer = { ok: false, error: describe(error) };
  }

  process.stdout.write(JSON.stringify(answer) + '\n');
}

await client?.close();
