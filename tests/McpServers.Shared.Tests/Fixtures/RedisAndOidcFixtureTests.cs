using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using McpServers.Testing.OAuth.Oidc;
using McpServers.Testing.Redis;

namespace McpServers.Shared.Tests.Fixtures;

/// <summary>The Redis and OAuth authorization server fixtures do what the HTTP-mode tests will rely on.</summary>
public sealed class RedisAndOidcFixtureTests(RedisServer redis, OidcProviderServer oidc)
{
    private const string Resource = "http://127.0.0.1:1/mcp";

    [Fact]
    public async Task Redis_AnswersPingAndKeepsWhatIsSet()
    {
        redis.RequireAvailable();
        string key = "fixture-test:" + Guid.NewGuid().ToString("N");
        CancellationToken ct = TestContext.Current.CancellationToken;

        using var client = new TcpClient();
        string[] host = redis.ConnectionString.Split(':');
        await client.ConnectAsync(host[0], int.Parse(host[1], System.Globalization.CultureInfo.InvariantCulture), ct);
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);

        Assert.Equal("+PONG", await SendAsync(client, reader, ct, "PING"));
        Assert.Equal("+OK", await SendAsync(client, reader, ct, "SET", key, "héllo"));
        Assert.Equal("$6", await SendAsync(client, reader, ct, "GET", key));
        Assert.Equal("héllo", await reader.ReadLineAsync(ct));
    }

    [Fact]
    public async Task OidcToken_IsAnRs256JwtBoundToTheRequestedResource()
    {
        oidc.RequireAvailable();
        CancellationToken ct = TestContext.Current.CancellationToken;

        string token = await oidc.IssueTokenAsync(Resource);

        string[] parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        using JsonDocument header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using JsonDocument payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(oidc.Issuer, payload.RootElement.GetProperty("iss").GetString());
        Assert.Equal(Resource, payload.RootElement.GetProperty("aud").GetString());
        Assert.Contains("mcp:read", payload.RootElement.GetProperty("scope").GetString()!.Split(' '));
        Assert.True(payload.RootElement.GetProperty("exp").GetInt64() > payload.RootElement.GetProperty("iat").GetInt64());

        using var http = new HttpClient();
        using JsonDocument jwks = JsonDocument.Parse(await http.GetStringAsync(new Uri(oidc.JwksUri), ct));
        string? kid = header.RootElement.GetProperty("kid").GetString();
        Assert.Contains(kid, jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
    }

    /// <summary>Sends one command as a RESP array of bulk strings and returns the first reply line.</summary>
    private static async Task<string?> SendAsync(TcpClient client, StreamReader reader, CancellationToken ct, params string[] command)
    {
        var request = new StringBuilder($"*{command.Length}\r\n");
        foreach (string part in command)
        {
            request.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), ct);
        return await reader.ReadLineAsync(ct);
    }
}
