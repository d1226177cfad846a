using McpServers.Testing.OAuth.Oidc;
using McpServers.Testing.Redis;

// One throwaway Redis server and one oidc-provider authorization server for the whole assembly (for the HTTP-mode tests).
[assembly: AssemblyFixture(typeof(RedisServer))]
[assembly: AssemblyFixture(typeof(OidcProviderServer))]
