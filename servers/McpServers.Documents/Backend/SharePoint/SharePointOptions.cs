using System.Text.RegularExpressions;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpServers.Documents.Backend.SharePoint;

/// <summary>How the SharePoint source authenticates to Microsoft Graph.</summary>
public enum SharePointAuth
{
    /// <summary>As the user who ran <c>mcp-documents login</c> (delegated permissions: SharePoint's own apply).</summary>
    UserSignIn,

    /// <summary>As an app registration (client credentials with <c>SharePoint:ClientSecret</c>).</summary>
    ClientCredentials,
}

/// <summary>
/// The settings of the SharePoint / OneDrive source, under <c>SharePoint:</c> (environment
/// <c>MCP_DOCUMENTS__SharePoint__Sites</c>; the client secret also <c>SHAREPOINT_CLIENT_SECRET</c>). Registered only when
/// <c>SharePoint:TenantId</c> or <c>SharePoint:Sites</c> is set; checked at start by <see cref="SharePointOptionsValidator"/>.
/// </summary>
public sealed partial record SharePointOptions
{
    public const string Section = "SharePoint";
    public const string OAuthSection = "SharePoint:OAuth";
    public const string SecretVariable = "SHAREPOINT_CLIENT_SECRET";
    public const string DefaultScopes = "Files.Read.All Sites.Read.All offline_access";
    public const string AppScope = "https://graph.microsoft.com/.default";

    /// <summary>Microsoft Graph's base URL, with a trailing slash.</summary>
    public Uri GraphUrl { get; set; } = new("https://graph.microsoft.com/v1.0/");

    /// <summary>The Microsoft identity platform; endpoints are <c>{AuthorityUrl}{TenantId}/oauth2/v2.0/…</c>.</summary>
    public Uri AuthorityUrl { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>Allowlist: site ids (<c>host,siteGuid,webGuid</c>) or references <c>host:/sites/path</c>.</summary>
    public IReadOnlyList<string> Sites { get; set; } = [];

    /// <summary>Optional drive allowlist (drive ids; <c>me</c> for the signed-in user's OneDrive). Empty: every drive of the allowed sites.</summary>
    public IReadOnlyList<string> Drives { get; set; } = [];

    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public SharePointAuth Auth => ClientSecret is null ? SharePointAuth.UserSignIn : SharePointAuth.ClientCredentials;

    /// <summary>Whether the signed-in user's OneDrive (<c>/me/drive</c>) is allowed.</summary>
    public bool AllowsMyDrive => Drives.Contains("me", StringComparer.OrdinalIgnoreCase);

    /// <summary>The drive ids listed (without <c>me</c>).</summary>
    public IEnumerable<string> DriveIds => Drives.Where(d => !d.Equals("me", StringComparison.OrdinalIgnoreCase));

    public Uri Endpoint(string name) => new(AuthorityUrl, $"{Uri.EscapeDataString(TenantId ?? "organizations")}/oauth2/v2.0/{name}");

    /// <summary>What fixes a refused credential, for 401 messages.</summary>
    public string CredentialFix => Auth == SharePointAuth.UserSignIn
        ? "run `mcp-documents login` to sign in to SharePoint again"
        : $"an administrator must check {SecretVariable} (SharePoint:ClientSecret) and the app registration's Graph permissions";

    /// <summary>Never prints the secret.</summary>
    public override string ToString() =>
        $"SharePointOptions {{ GraphUrl = {GraphUrl}, Auth = {Auth}, Sites = [{string.Join(", ", Sites)}], Drives = [{string.Join(", ", Drives)}] }}";

    internal void Complete(IConfiguration section)
    {
        Sites = SettingList.Parse(section, nameof(Sites)) ?? [];
        Drives = SettingList.Parse(section, nameof(Drives)) ?? [];
        TenantId = Blank(TenantId);
        ClientId = Blank(ClientId) ?? Blank(section["OAuth:ClientId"]);
        ClientSecret = Blank(ClientSecret);
        GraphUrl = WithSlash(GraphUrl);
        AuthorityUrl = WithSlash(AuthorityUrl);
    }

    private static Uri WithSlash(Uri url) =>
        url is { IsAbsoluteUri: true } && !url.AbsolutePath.EndsWith('/') ? new Uri(url.OriginalString.TrimEnd('/') + "/") : url;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^(?:[A-Za-z0-9.\-]+,[0-9A-Fa-f\-]{36},[0-9A-Fa-f\-]{36}|[A-Za-z0-9.\-]+:/sites/[^\s?#:]+|root)$")]
    internal static partial Regex SitePattern();

    [GeneratedRegex(@"^[A-Za-z0-9!_\-.]{1,200}$")]
    internal static partial Regex DrivePattern();

    [GeneratedRegex(@"^[A-Za-z0-9\-]{1,64}$|^[A-Za-z0-9.\-]{1,253}$")]
    internal static partial Regex TenantPattern();
}

/// <summary>Start-up checks of <see cref="SharePointOptions"/>: every problem names the setting to fix.</summary>
public sealed class SharePointOptionsValidator : IValidateOptions<SharePointOptions>
{
    public ValidateOptionsResult Validate(string? name, SharePointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        Url(options.GraphUrl, "SharePoint:GraphUrl", problems);
        Url(options.AuthorityUrl, "SharePoint:AuthorityUrl", problems);
        if (options.Sites.Count == 0 && !options.AllowsMyDrive)
        {
            problems.Add("SharePoint:Sites is required: the comma-separated sites the model may read, as site ids or references such as contoso.sharepoint.com:/sites/Policies (or SharePoint:Drives=me for the user's OneDrive only).");
        }

        problems.AddRange(options.Sites.Where(s => !SharePointOptions.SitePattern().IsMatch(s))
            .Select(s => $"SharePoint:Sites: '{s}' is neither a site id (host,siteGuid,webGuid) nor a reference such as contoso.sharepoint.com:/sites/Policies."));
        problems.AddRange(options.DriveIds.Where(d => !SharePointOptions.DrivePattern().IsMatch(d))
            .Select(d => $"SharePoint:Drives: '{d}' is not a drive id (or `me`)."));
        if (options.TenantId is null)
        {
            problems.Add("SharePoint:TenantId is required: the Entra tenant id or domain (e.g. contoso.onmicrosoft.com).");
        }
        else if (!SharePointOptions.TenantPattern().IsMatch(options.TenantId))
        {
            problems.Add("SharePoint:TenantId must be a tenant id (a GUID) or domain such as contoso.onmicrosoft.com.");
        }

        if (options.ClientId is null)
        {
            problems.Add("SharePoint:ClientId is required: the application (client) id of the Entra app registration.");
        }

        if (options.Auth == SharePointAuth.ClientCredentials && options.AllowsMyDrive)
        {
            problems.Add($"SharePoint:Drives=me needs a signed-in user; remove it, or remove {SharePointOptions.SecretVariable} (SharePoint:ClientSecret) and sign in with mcp-documents login.");
        }

        if (problems.Count > 0)
        {
            problems.Add("Run mcp-documents --help for the settings.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Url(Uri? url, string key, List<string> problems)
    {
        if (url is null || !url.IsAbsoluteUri || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query))
        {
            problems.Add($"{key} must be an absolute http(s) URL without credentials or query.");
        }
    }
}

public static class SharePointOptionsServiceCollectionExtensions
{
    /// <summary>Section <c>SharePoint</c> into <see cref="SharePointOptions"/>, checked at start.</summary>
    public static IServiceCollection AddSharePointOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(SharePointOptions.Section);
        services.AddSettings<SharePointOptions>(configuration, SharePointOptions.Section, new SharePointOptionsValidator()).Bind(section)
            .PostConfigure(o => o.Complete(section));
        return services;
    }
}
