using McpServers.Shared.Hosting;

namespace McpServers.Ticketing.Backend;

/// <summary>The <c>--help</c> lines of a provider's OAuth sign-in section that read the same for every provider.</summary>
internal static class SignInSettingHelp
{
    public static IEnumerable<SettingHelp> Common(string oauthSection, string tokenFileName) =>
    [
        new SettingHelp($"{oauthSection}:DeviceAuthorizationEndpoint", "RFC 8628 device authorization endpoint, for `mcp-ticketing login --device-code`.", null),
        new SettingHelp($"{oauthSection}:RevocationEndpoint", "RFC 7009 revocation endpoint: `mcp-ticketing logout` revokes the sign-in there.", null),
        new SettingHelp($"{oauthSection}:AuthorizeParameters:<name>", "Another parameter the authorization server needs on the sign-in address.", null),
        new SettingHelp($"{oauthSection}:RedirectPort", "Loopback port of http://127.0.0.1:<port>/callback (0: any free port).", "0"),
        new SettingHelp($"{oauthSection}:TokenFile", "Where login stores the refresh token (user-only permissions).", $"<local app data>/mcp-ticketing/{tokenFileName}"),
    ];
}
