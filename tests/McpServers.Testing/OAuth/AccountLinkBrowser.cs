using System.Net;
using System.Text.RegularExpressions;
using McpServers.Testing.Hosting;

namespace McpServers.Testing.OAuth;

/// <summary>
/// The user's browser for per-user backend sign-in (<c>Service:BackendIdentity=PerUser</c>): finds the link a tool's
/// error gives, opens it, lets the loopback authorization server approve, and follows the redirect back. Links name
/// the deployment's public address; each step is sent to the replica the test chooses.
/// </summary>
public static partial class AccountLinkBrowser
{
    private static readonly HttpClient Browser = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    [GeneratedRegex(@"https?://[^\s]+/signin/[a-z0-9-]+\?ticket=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();

    /// <summary>The sign-in address in <paramref name="text"/> (a tool's error), or null.</summary>
    public static Uri? FindLink(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Match match = LinkPattern().Match(text);
        return match.Success ? new Uri(match.Value) : null;
    }

    /// <summary>The same address on <paramref name="replica"/>'s real port.</summary>
    public static Uri On(HttpMcpServer replica, Uri address)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return new UriBuilder(address) { Port = replica.BaseUrl.Port }.Uri;
    }

    /// <summary>Opens <paramref name="link"/> on <paramref name="start"/>, approves, and returns the answer of <paramref name="finish"/>'s callback.</summary>
    public static async Task<(HttpStatusCode Status, string Text)> LinkAsync(Uri link, HttpMcpServer start, HttpMcpServer finish, CancellationToken cancellationToken)
    {
        using HttpResponseMessage opened = await Browser.GetAsync(On(start, link), cancellationToken);
        if (opened.StatusCode != HttpStatusCode.Found)
        {
            return (opened.StatusCode, await opened.Content.ReadAsStringAsync(cancellationToken));
        }

        using HttpResponseMessage approved = await Browser.GetAsync(opened.Headers.Location!, cancellationToken);
        using HttpResponseMessage back = await Browser.GetAsync(On(finish, approved.Headers.Location!), cancellationToken);
        return (back.StatusCode, await back.Content.ReadAsStringAsync(cancellationToken));
    }
}
