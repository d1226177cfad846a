// Test-only OAuth 2.1 authorization server: oidc-provider (pinned in package.json) on 127.0.0.1, issuing
// audience-bound JWT access tokens (RFC 9068) through the client_credentials grant with RFC 8707 resource indicators.
// Usage: node authorization-server.mjs <port>   (0 = a free port)
// Prints exactly one line on stdout once listening: {"issuer":"http://127.0.0.1:PORT"}; everything else goes to stderr.
// Exits when its stdin closes, so it does not outlive the test process that started it. Needs no network.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

// oidc-provider prints its notices with console.info (stdout); stdout carries only the issuer line.
console.log = console.info = console.error;

const port = Number.parseInt(process.argv[2] ?? '0', 10);
const secondsFor = (client) => (client?.clientId === 'short-lived' ? 1 : 3600);

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

const client = (clientId) => ({
  client_id: clientId,
  client_secret: 'test-secret',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'mcp:read mcp:write',
});

const configuration = {
  clients: [client('confidential'), client('short-lived')],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID()] },
  scopes: ['openid', 'mcp:read', 'mcp:write'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: async () => true,
      // Any resource is a known resource server: the token's audience is exactly the resource asked for.
      getResourceServerInfo: async (_ctx, resource, client) => ({
        scope: 'mcp:read mcp:write',
        audience: resource,
        accessTokenTTL: secondsFor(client),
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  ttl: {
    ClientCredentials: (_ctx, token, client) => token.resourceServer?.accessTokenTTL ?? secondsFor(client),
  },
};

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => console.error(error));
  server.on('request', provider.callback());
  process.stdout.write(JSON.stringify({ issuer }) + '\n');
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
