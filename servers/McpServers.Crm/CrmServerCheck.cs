using McpServers.Crm.Backend;
using McpServers.Crm.Options;
using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;

namespace McpServers.Crm;

/// <summary>
/// <c>--check</c>: reach the CRM once as the configured user and report the provider, instance, user and API usage.
/// Every failure becomes a FAIL line naming the setting to fix; nothing a misconfigured CRM answers is thrown.
/// </summary>
internal sealed class CrmServerCheck(IServiceProvider services, CrmOptions options) : IServerCheck
{
    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not injected: without a provider there is no gateway, and that is a FAIL line, not a crash.
        if (services.GetService(typeof(ICrmGateway)) is not ICrmGateway gateway)
        {
            return [new CheckResult("crm", CheckStatus.Failed, "No CRM provider is configured.", ProviderSetting)];
        }

        CrmCheck check;
        try
        {
            check = await gateway.CheckAsync(cancellationToken);
        }
        catch (Exception e) when (e is BackendException or ToolInputException)
        {
            return [new CheckResult("crm", CheckStatus.Failed, Verdict(gateway.Provider, e))];
        }

        string version = check.ApiVersion is null ? string.Empty : $" (API {check.ApiVersion})";
        var results = new List<CheckResult> { new("crm", CheckStatus.Ok, $"reached {check.Provider} at {check.Instance}{version} as {check.User}") };
        if (gateway.Usage is { } usage)
        {
            string share = $"{usage.Used} of {usage.Limit} daily API calls used";
            results.Add(usage.Share >= options.RefuseAtUsageShare
                ? new CheckResult("api usage", CheckStatus.Failed, $"{share}: past Crm:RefuseAtUsageShare ({options.RefuseAtUsageShare}), searches, rankings and writes are refused until the limit resets.")
                : usage.Share >= options.WarnAtUsageShare
                    ? new CheckResult("api usage", CheckStatus.Warning, $"{share}: past Crm:WarnAtUsageShare ({options.WarnAtUsageShare}).")
                    : new CheckResult("api usage", CheckStatus.Ok, share));
        }

        return results;
    }

    private const string ProviderSetting = "CRM_PROVIDER (Crm:Provider)";

    /// <summary>What went wrong, in the gateway's safe words (which name the provider's settings), and where to look.</summary>
    private static string Verdict(string provider, Exception e)
    {
        if (e is ToolInputException)
        {
            return $"{provider} refused the server's request as invalid; check the {provider} address settings (mcp-crm --help).";
        }

        var b = (BackendException)e;
        string said = b.SafeMessage is { Length: > 0 } m ? m.TrimEnd('.') + ". " : "";
        return b.Kind switch
        {
            // The gateway's 401 message names the credential settings or `mcp-crm login`.
            BackendErrorKind.Unauthorized or BackendErrorKind.RateLimited => said.TrimEnd(),
            BackendErrorKind.Forbidden => $"{said}Check that the signed-in {provider} user has API access.",
            BackendErrorKind.TimedOut or BackendErrorKind.Unavailable or BackendErrorKind.NotFound =>
                $"{said}Check the {provider} address settings (mcp-crm --help) and, behind a proxy, the {provider}:Http:Proxy setting.",
            _ => $"{said}Check the {provider} settings (mcp-crm --help).",
        };
    }
}
