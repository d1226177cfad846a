using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using McpServers.Testing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace McpServers.Documents.Tests.SharePoint;

/// <summary>
/// A loopback Microsoft Graph v1.0 and a second loopback "download host" (https, a throwaway self-signed certificate
/// trusted through SharePoint:Http:ExtraCaBundle). Shapes follow Microsoft's documentation:
/// learn.microsoft.com/graph/api/site-get (GET /sites/{hostname}:/{server-relative-path}), drive-list (/sites/{id}/drives),
/// driveitem-list-children (value + @odata.nextLink, $top), driveitem-get-content (302 Found with a Location to a
/// pre-authenticated download URL), driveitem-list-versions and driveitemversion-get-contents, search-query
/// (POST /search/query: requests[entityTypes, query.queryString, from, size] → value[].hitsContainers[].hits[] with
/// summary highlighted by &lt;c0&gt; and &lt;ddd/&gt;, total, moreResultsAvailable), "Microsoft Graph error responses"
/// ({"error":{"code","message","innerError"}}), throttling (429 with Retry-After), and the Microsoft identity platform's
/// client-credentials token endpoint (/{tenant}/oauth2/v2.0/token). Not verified against a live tenant: the exact
/// innerError fields and the download URL's query (tempauth) are illustrative.
/// Site "Policies" is allowlisted (drives b!policies and b!archive); site "Secret" (drive b!secret) is not.
/// </summary>
public sealed class FakeGraph : IAsyncDisposable
{
    public const string TenantId = "contoso.onmicrosoft.com";
    public const string ClientId = "11111111-aaaa-bbbb-cccc-000000000001";
    public const string ClientSecret = "SECRET-client-secret-71d";
    public const string AccessToken = "SECRET-graph-token-5f2";
    public const string SiteReference = "contoso.sharepoint.com:/sites/Policies";
    public const string SiteId = "contoso.sharepoint.com,11111111-1111-1111-1111-111111111111,22222222-2222-2222-2222-222222222222";
    public const string SecretSiteId = "contoso.sharepoint.com,33333333-3333-3333-3333-333333333333,44444444-4444-4444-4444-444444444444";
    public const string Drive = "b!policies";
    public const string ArchiveDrive = "b!archive";
    public const string SecretDrive = "b!secret";
    public const string MyDrive = "b!mine";

    private readonly LoopbackHttpServer _graph = new();
    private readonly LoopbackHttpServer _download;
    private readonly X509Certificate2 _certificate;
    private readonly string _caFile = Path.Combine(Path.GetTempPath(), $"fake-graph-{Guid.NewGuid():N}.pem");
    private int _rateLimited;

    public FakeGraph()
    {
        _certificate = SelfSigned();
        File.WriteAllText(_caFile, _certificate.ExportCertificatePem());
        _download = new LoopbackHttpServer(new LoopbackHttpServerOptions { Certificate = _certificate });
        _download.Routes.MapGet("/download/{item}", (string item) =>
            Files.TryGetValue(item, out string? text) ? Results.Text(text, "application/octet-stream") : Results.NotFound());

        IEndpointRouteBuilder routes = _graph.Routes;
        _graph.App.Use(async (context, next) =>
        {
            string path = context.Request.Path.Value ?? "";
            if (path.StartsWith("/v1.0/", StringComparison.Ordinal))
            {
                if (Interlocked.CompareExchange(ref _rateLimited, 0, 0) > 0 && Interlocked.Decrement(ref _rateLimited) >= 0)
                {
                    context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                    await Error(429, "TooManyRequests", "Please retry again later.").ExecuteAsync(context);
                    return;
                }

                string presented = context.Request.Headers.Authorization.ToString();
                if (RejectTokens || !(presented == "Bearer " + AccessToken || (AcceptToken is { } accept && presented.StartsWith("Bearer ", StringComparison.Ordinal) && accept(presented[7..]))))
                {
                    await Error(401, "InvalidAuthenticationToken", "Access token is empty.").ExecuteAsync(context);
                    return;
                }
            }

            await next(context);
        });

        routes.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpRequest request) =>
        {
            IFormCollection form = await request.ReadFormAsync();
            return tenant == TenantId && form["grant_type"] == "client_credentials" && form["client_id"] == ClientId
                && form["client_secret"] == ClientSecret && form["scope"] == "https://graph.microsoft.com/.default"
                ? Results.Json(new { token_type = "Bearer", expires_in = 3599, access_token = AccessToken })
                : Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
        });
        routes.MapGet("/v1.0/sites/{**site}", (string site) => site switch
        {
            "contoso.sharepoint.com:/sites/Policies" or SiteId => Json(Site(SiteId, "Policies")),
            SiteId + "/drives" => Json(Page(DriveJson(Drive, "Documents", "Policies/Shared%20Documents"), DriveJson(ArchiveDrive, "Archive", "Policies/Archive"))),
            _ => Error(404, "itemNotFound", "Requested site could not be found"),
        });
        routes.MapGet("/v1.0/me/drive", () => Json(DriveJson(MyDrive, "OneDrive", "personal/jane")));
        routes.MapGet("/v1.0/drives/{drive}/root/children", (string drive, HttpRequest request) => Children(drive, "root", request));
        routes.MapGet("/v1.0/drives/{drive}/items/{item}/children", (string drive, string item, HttpRequest request) => Children(drive, item, request));
        routes.MapGet("/v1.0/drives/{drive}/items/{item}", (string drive, string item) => item switch
        {
            "01GONE" => Error(404, "itemNotFound", "The resource could not be found."),
            "01DENIED" => Error(403, "accessDenied", "Access denied"),
            _ => Items.FirstOrDefault(i => i.Id == item) is { } found ? Json(ItemJson(drive, found)) : Error(404, "itemNotFound", "The resource could not be found."),
        });
        routes.MapGet("/v1.0/drives/{drive}/items/{item}/content", (string item) => Redirect(item));
        routes.MapGet("/v1.0/drives/{drive}/items/{item}/versions", () => Json(Page(
            Version("3.0", "2026-03-10T09:00:00Z", "Jane Doe", 40), Version("2.0", "2026-02-01T09:00:00Z", "Bob Smith", 30), Version("1.0", "2026-01-05T09:00:00Z", "Bob Smith", 20))));
        routes.MapGet("/v1.0/drives/{drive}/items/{item}/versions/{version}", (string version) =>
            Json(Version(version, "2026-02-01T09:00:00Z", "Bob Smith", version == "9.0" ? 999_999_999 : 30)));
        routes.MapGet("/v1.0/drives/{drive}/items/{item}/versions/{version}/content", (string item, string version) => Redirect(item + "-v" + version));
        routes.MapPost("/v1.0/search/query", () => Json(new JsonObject
        {
            ["value"] = new JsonArray(new JsonObject
            {
                ["searchTerms"] = new JsonArray("per", "diem"),
                ["hitsContainers"] = new JsonArray(new JsonObject
                {
                    ["hits"] = new JsonArray(
                        Hit("01TRAVEL", Drive, "travel.md", "The <c0>per-diem</c0> rate is 50 EUR<ddd/>\u202E"),
                        Hit("01LEAK", SecretDrive, "salaries.md", "<c0>per-diem</c0> of the board"),
                        Hit("01OLD", ArchiveDrive, "old-travel.md", "old <c0>per-diem</c0>")),
                    ["total"] = 3,
                    ["moreResultsAvailable"] = true,
                }),
            }),
        }));
    }

    /// <summary>Every Graph call answers 401 (an expired or revoked token).</summary>
    public bool RejectTokens { get; set; }

    /// <summary>Other bearer tokens Graph accepts (those a sign-in server issued).</summary>
    public Func<string, bool>? AcceptToken { get; set; }

    /// <summary>Seconds in the Retry-After of a 429.</summary>
    public int RetryAfterSeconds { get; set; }

    /// <summary>Item id → file text served by the download host (versions: <c>&lt;item&gt;-v&lt;version&gt;</c>).</summary>
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal)
    {
        ["01TRAVEL"] = "# Travel policy\n\nThe per-diem is 50 EUR.\n",
        ["01TRAVEL-v2.0"] = "# Travel policy\n\nThe per-diem is 40 EUR.\n",
        ["01LIAR"] = new string('x', 5000),
    };

    /// <summary>Items of every drive's root folder, in this order (folders and files mixed on purpose).</summary>
    public List<FakeItem> Items { get; } =
    [
        new("01NOTES", "notes.txt", 12, Folder: false),
        new("01FOLDER", "Travel", null, Folder: true),
        new("01TRAVEL", "travel.md", 45, Folder: false),
        new("01BIG", "huge.txt", 900_000_000, Folder: false),
        new("01LIAR", "liar.txt", 10, Folder: false),
    ];

    public Uri BaseUrl => _graph.BaseAddress;

    public Uri GraphUrl => new(_graph.BaseAddress, "v1.0/");

    public IReadOnlyList<RecordedRequest> Requests => _graph.Requests;

    public IReadOnlyList<RecordedRequest> DownloadRequests => _download.Requests;

    /// <summary>The next <paramref name="count"/> Graph calls answer 429 with <see cref="RetryAfterSeconds"/>.</summary>
    public void RateLimit(int count) => Interlocked.Exchange(ref _rateLimited, count);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _graph.StartAsync(cancellationToken);
        await _download.StartAsync(cancellationToken);
    }

    /// <summary>The settings a server needs to use this fake as an app registration (client credentials).</summary>
    public Dictionary<string, string?> Configuration() => new()
    {
        ["SharePoint:TenantId"] = TenantId,
        ["SharePoint:ClientId"] = ClientId,
        ["SharePoint:ClientSecret"] = ClientSecret,
        ["SharePoint:Sites"] = SiteReference,
        ["SharePoint:GraphUrl"] = GraphUrl.ToString(),
        ["SharePoint:AuthorityUrl"] = BaseUrl.ToString(),
        ["SharePoint:Http:DownloadHosts"] = "127.0.0.1",
        ["SharePoint:Http:ExtraCaBundle"] = _caFile,
        ["SharePoint:Http:RetryDelay"] = "00:00:00.001",
    };

    public async ValueTask DisposeAsync()
    {
        await _graph.DisposeAsync();
        await _download.DisposeAsync();
        _certificate.Dispose();
        File.Delete(_caFile);
    }

    private IResult Children(string drive, string folder, HttpRequest request)
    {
        int top = int.Parse(request.Query["$top"].FirstOrDefault() ?? "200", CultureInfo.InvariantCulture);
        int skip = int.Parse(request.Query["$skiptoken"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
        FakeItem[] items = folder is "root" or "01FOLDER" ? [.. Items] : [];
        var page = new JsonObject { ["value"] = new JsonArray([.. items.Skip(skip).Take(top).Select(i => ItemJson(drive, i))]) };
        if (skip + top < items.Length)
        {
            string path = folder == "root" ? $"v1.0/drives/{drive}/root/children" : $"v1.0/drives/{drive}/items/{folder}/children";
            page["@odata.nextLink"] = NextLinkOverride ?? new Uri(BaseUrl, $"{path}?$top={top}&$skiptoken={skip + top}").ToString();
        }

        return Json(page);
    }

    /// <summary>A nextLink the fake gives instead of its own (a hostile Graph pointing elsewhere).</summary>
    public string? NextLinkOverride { get; set; }

    private IResult Redirect(string file)
    {
        string location = new Uri(_download.BaseAddress, $"download/{file}?tempauth=SECRET-download-signature").ToString();
        return Results.Redirect(location, permanent: false);
    }

    private static JsonObject Site(string id, string name) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["displayName"] = name,
        ["webUrl"] = "https://contoso.sharepoint.com/sites/" + name,
    };

    private static JsonObject DriveJson(string id, string name, string path) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["driveType"] = "documentLibrary",
        ["webUrl"] = "https://contoso.sharepoint.com/sites/" + path,
    };

    private static JsonObject ItemJson(string drive, FakeItem item)
    {
        var json = new JsonObject
        {
            ["id"] = item.Id,
            ["name"] = item.Name,
            ["webUrl"] = "https://contoso.sharepoint.com/sites/Policies/Shared%20Documents/" + item.Name,
            ["lastModifiedDateTime"] = "2026-03-10T09:00:00Z",
            ["parentReference"] = new JsonObject { ["driveId"] = drive, ["id"] = "01ROOT", ["path"] = $"/drives/{drive}/root:/HR%20Policies" },
        };
        if (item.Folder)
        {
            json["folder"] = new JsonObject { ["childCount"] = 5 };
        }
        else
        {
            json["size"] = item.Size;
            json["file"] = new JsonObject { ["mimeType"] = "text/plain" };
        }

        return json;
    }

    private static JsonObject Hit(string id, string drive, string name, string summary) => new()
    {
        ["hitId"] = id,
        ["rank"] = 1,
        ["summary"] = summary,
        ["resource"] = new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.driveItem",
            ["id"] = id,
            ["name"] = name,
            ["webUrl"] = "https://contoso.sharepoint.com/x/" + name,
            ["lastModifiedDateTime"] = "2026-03-10T09:00:00Z",
            ["size"] = 45,
            ["parentReference"] = new JsonObject { ["driveId"] = drive, ["id"] = "01ROOT", ["siteId"] = SiteId },
        },
    };

    private static JsonObject Version(string id, string modified, string who, long size) => new()
    {
        ["id"] = id,
        ["lastModifiedDateTime"] = modified,
        ["size"] = size,
        ["lastModifiedBy"] = new JsonObject { ["user"] = new JsonObject { ["displayName"] = who } },
    };

    private static JsonObject Page(params JsonObject[] values) => new() { ["value"] = new JsonArray(values) };

    private static IResult Json(JsonNode node) => Results.Content(node.ToJsonString(), "application/json");

    private static IResult Error(int status, string code, string message) => Results.Content(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject { ["request-id"] = "5c1b2a3d-0000-0000-0000-000000000000", ["date"] = "2026-03-10T09:00:00" },
        },
    }.ToJsonString(), "application/json", Encoding.UTF8, status);

    /// <summary>A throwaway self-signed server certificate for 127.0.0.1, with its key.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fake-graph-download", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>An item in the fake's folders; <see cref="Size"/> as Graph reports it (the download may differ).</summary>
public sealed record FakeItem(string Id, string Name, long? Size, bool Folder);
