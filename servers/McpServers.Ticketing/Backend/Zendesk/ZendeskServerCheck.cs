using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;
using McpServers.Ticketing.Options;

namespace McpServers.Ticketing.Backend.Zendesk;

/// <summary><c>--check</c>: reach Zendesk once as the configured account; every failure is a FAIL line naming the setting to fix.</summary>
internal sealed class ZendeskServerCheck(IZendeskGateway gateway, ZendeskOptions options) : IServerCheck
{
    private const string SiteSetting = "ZENDESK_SUBDOMAIN (Zendesk:Subdomain) or Zendesk:BaseUrl";

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            string account = await gateway.AccountAsync(cancellationToken);
            return [new CheckResult("zendesk", CheckStatus.Ok, $"reached Zendesk at {options.Site} as {account}")];
        }
        catch (Exception e) when (e is BackendException or ToolInputException)
        {
            return [new CheckResult("zendesk", CheckStatus.Failed, Verdict(e))];
        }
    }

    private string Verdict(Exception e)
    {
        if (e is not BackendException b)
        {
            return $"Zendesk refused the server's request as invalid; check {SiteSetting}.";
        }

        string said = b.SafeMessage is { Length: > 0 } m ? m.TrimEnd('.') + ". " : "";
        return b.Kind switch
        {
            BackendErrorKind.Unauthorized or BackendErrorKind.RateLimited => said.TrimEnd(),
            BackendErrorKind.Forbidden => $"{said}Check the account in {options.CredentialSettings}.",
            BackendErrorKind.NotFound => $"No Zendesk API answered at {options.Site}; check {SiteSetting}.",
            _ => $"{said}Check {SiteSetting} ({options.Site}) and, behind a proxy, Zendesk:Http:Proxy.",
        };
    }
}
