using System.Text.Json.Nodes;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace McpServers.Crm.Tests.SalesforceSignIn;

/// <summary>
/// A loopback Salesforce org for the sign-in tests only (the gateway's fake is FakeSalesforce): one REST resource,
/// <c>GET /services/data/v62.0/limits</c>, answering 401 with Salesforce's documented error array
/// (<c>[{"message","errorCode":"INVALID_SESSION_ID"}]</c>, research A6) to a bearer token it does not accept; and the
/// org's own token endpoint, <c>POST /services/oauth2/token</c>: the client-credentials flow (research A2: form
/// <c>grant_type=client_credentials</c>, <c>client_id</c>, <c>client_secret</c>; an answer with <c>instance_url</c>,
/// no <c>refresh_token</c> and no <c>expires_in</c>), Salesforce's device flow (<c>response_type=device_code</c>, then
/// <c>grant_type=device</c> with <c>code</c>; the user approves at once) and the refresh of its refresh tokens.
/// Records every request.
/// </summary>
public sealed class SalesforceOrgFake : IAsyncDisposable
{
    public const string LimitsPath = "services/data/v62.0/limits";
    public const string ClientId = "3MVG9-integration-app";

    private readonly LoopbackHttpServer _server = new();
    private readonly Lock _gate = new();
    private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ended = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deviceCodes = new(StringComparer.Ordinal);
    private bool _allEnded;
    private int _issued;
    private int _codes;

    private SalesforceOrgFake()
    {
        _server.Routes.MapGet("/" + LimitsPath, (HttpRequest request) =>
        {
            string? authorization = request.Headers.Authorization;
            bool valid;
            lock (_gate)
            {
                valid = authorization is { } a && a.StartsWith("Bearer ", StringComparison.Ordinal) && a["Bearer ".Length..] is var token
                    && !_allEnded && !_ended.Contains(token) && (AcceptAnySession || _sessions.Contains(token));
            }

            return valid
                ? Results.Json(new JsonObject { ["DailyApiRequests"] = new JsonObject { ["Max"] = 15000, ["Remaining"] = 14998 } })
                : Results.Json(new JsonArray(new JsonObject { ["message"] = "Session expired or invalid", ["errorCode"] = "INVALID_SESSION_ID" }), statusCode: 401);
        });
        _server.Routes.MapPost("/services/oauth2/token", async (HttpRequest request) => Token(await request.ReadFormAsync()));
    }

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>The origin as Salesforce writes <c>instance_url</c>: no trailing slash.</summary>
    public string InstanceUrl => BaseAddress.ToString().TrimEnd('/');

    public string ClientSecret { get; set; } = "CANARY-integration-secret";

    public string TokenPrefix { get; set; } = "";

    /// <summary>Sessions issued elsewhere (the login host's <c>FakeAuthorizationServer</c>) are good here until ended.</summary>
    public bool AcceptAnySession { get; set; }

    /// <summary>What the token endpoint says <c>instance_url</c> is; null for this org's own address.</summary>
    public string? InstanceUrlInAnswers { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _server.Requests;

    public IEnumerable<RecordedRequest> RestRequests => Requests.Where(r => r.Path == "/" + LimitsPath);

    public static async Task<SalesforceOrgFake> StartAsync(CancellationToken cancellationToken)
    {
        var fake = new SalesforceOrgFake();
        await fake._server.StartAsync(cancellationToken);
        return fake;
    }

    /// <summary>The org accepts <paramref name="token"/> as a session from now on.</summary>
    public void Accept(string token)
    {
        lock (_gate)
        {
            _sessions.Add(token);
        }
    }

    /// <summary>The session of <paramref name="token"/> ends (timed out): it is answered with INVALID_SESSION_ID from now on.</summary>
    public void EndSession(string token)
    {
        lock (_gate)
        {
            _ended.Add(token);
        }
    }

    /// <summary>Every session, present and future, is refused (the app's access was removed).</summary>
    public void EndAllSessions()
    {
        lock (_gate)
        {
            _allEnded = true;
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private IResult Token(IFormCollection form)
    {
        if (form["client_id"] != ClientId)
        {
            return Error("invalid_client_id");
        }

        // The device flow starts here too (Salesforce Help "OAuth 2.0 Device Flow for IoT Integration").
        if (form["response_type"] == "device_code")
        {
            string device = "dc-" + Interlocked.Increment(ref _codes);
            lock (_gate)
            {
                _deviceCodes.Add(device);
            }

            return Results.Json(new JsonObject
            {
                ["device_code"] = device,
                ["user_code"] = "AB12-CD34",
                ["verification_uri"] = new Uri(BaseAddress, "setup/connect").ToString(),
                ["interval"] = 5,
            });
        }

        switch ((string?)form["grant_type"])
        {
            case "client_credentials" when form["client_secret"] != ClientSecret:
                return Error("invalid_client");
            case "client_credentials":
                return Issue(refreshToken: null);
            case "device":
                lock (_gate)
                {
                    // The user approved at the verification address before this poll.
                    if (!_deviceCodes.Remove(form["code"]!))
                    {
                        return Error("invalid_grant");
                    }
                }

                return Issue(refreshToken: $"{TokenPrefix}5Aep-refresh-{Interlocked.Increment(ref _codes)}");
            case "refresh_token" when form["refresh_token"].ToString().StartsWith($"{TokenPrefix}5Aep-refresh-", StringComparison.Ordinal):
                // No new refresh token in a refresh answer (research A1).
                return Issue(refreshToken: null);
            default:
                return Error("unsupported_grant_type");
        }
    }

    /// <summary>A session answer as Salesforce writes it: <c>instance_url</c>, <c>id</c>, <c>issued_at</c> (ms), no <c>expires_in</c>.</summary>
    private IResult Issue(string? refreshToken)
    {
        string token = $"{TokenPrefix}00Dcc!session-{Interlocked.Increment(ref _issued)}";
        Accept(token);
        var body = new JsonObject
        {
            ["access_token"] = token,
            ["signature"] = "c2lnbmF0dXJl",
            ["scope"] = "api refresh_token",
            ["instance_url"] = InstanceUrlInAnswers ?? InstanceUrl,
            ["id"] = "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P",
            ["token_type"] = "Bearer",
            ["issued_at"] = "1708058728442",
        };
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }

        return Results.Json(body);
    }

    private static IResult Error(string code) => Results.Json(new { error = code, error_description = "Salesforce fake: " + code }, statusCode: 400);
}
