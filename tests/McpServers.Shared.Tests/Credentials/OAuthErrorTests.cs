using McpServers.Shared.Credentials;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Shared.Tests.Credentials;

/// <summary>RFC 6749 §5.2 / RFC 8628 error bodies become messages that say what to do, never quoting the body's text.</summary>
public sealed class OAuthErrorTests
{
    private const string Description = "CANARY internal host db-7.corp at 10.1.2.3";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, int, BackendErrorKind, string> Errors => new()
    {
        { "invalid_grant", 400, BackendErrorKind.Unauthorized, "The Jira sign-in has expired or was revoked; run `mcp-ticketing login` to sign in again." },
        { "invalid_client", 401, BackendErrorKind.Unauthorized, "The Jira sign-in server did not accept the OAuth client; an administrator should check Jira:OAuth:ClientId and Jira:OAuth:ClientSecret." },
        { "unauthorized_client", 400, BackendErrorKind.Unauthorized, "Jira:OAuth:ClientId and Jira:OAuth:ClientSecret" },
        { "invalid_scope", 400, BackendErrorKind.Invalid, "check Jira:OAuth:Scopes" },
        { "access_denied", 400, BackendErrorKind.Forbidden, "was declined; run `mcp-ticketing login` again" },
        { "expired_token", 400, BackendErrorKind.Unauthorized, "run `mcp-ticketing login --device-code` again" },
        { "unsupported_grant_type", 400, BackendErrorKind.Invalid, "does not offer this kind of sign-in" },
        { "invalid_request", 400, BackendErrorKind.Invalid, "refused the request as malformed" },
        { "Not An RFC Code", 400, BackendErrorKind.Unauthorized, "refused the request (HTTP 400)" },
        { "server_error", 503, BackendErrorKind.Unavailable, "is unavailable at the moment" },
        // "Keep polling" means something only to the device-code grant; to a refresh it is a malformed answer.
        { "authorization_pending", 400, BackendErrorKind.Unauthorized, "refused the request (HTTP 400)" },
        { "slow_down", 400, BackendErrorKind.Unauthorized, "refused the request (HTTP 400)" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task TokenEndpointError_IsMappedToAMessageThatSaysWhatToDo(string code, int status, BackendErrorKind kind, string message)
    {
        await using var server = new LoopbackHttpServer();
        server.Routes.MapPost("/token", () => Results.Json(new { error = code, error_description = Description }, statusCode: status));
        await server.StartAsync(Ct);
        using var http = new HttpClient();
        var client = new OAuthTokenClient(http, new OAuthClientOptions { ClientId = "c", TokenEndpoint = new Uri(server.BaseAddress, "token").ToString() },
            new OAuthMessages("Jira", "Jira:OAuth", "mcp-ticketing login"), new SecretRedactor());

        var e = await Assert.ThrowsAsync<BackendException>(() => client.RefreshAsync("rt", Ct));

        Assert.Equal(kind, e.Kind);
        Assert.Contains(message, e.SafeMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", e.SafeMessage + e.Message + e.InnerException?.Message, StringComparison.Ordinal);
    }
}
