using McpServers.Shared.Errors;
using McpServers.Shared.Hosting;

namespace McpServers.Ticketing.Backend.ServiceNow;

/// <summary>
/// <c>--check</c>: reach ServiceNow once as the configured user, then read one record of each allowed table, so a
/// wrong URL, credential or ACL shows as a FAIL line naming what to fix; nothing ServiceNow answers is thrown.
/// </summary>
internal sealed class ServiceNowServerCheck(ServiceNowGateway gateway) : IServerCheck
{
    private const string UrlSetting = "SERVICENOW_INSTANCE_URL (ServiceNow:InstanceUrl)";

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        (string? User, IReadOnlyList<(string Table, BackendException? Failure)> Tables) check;
        try
        {
            check = await gateway.CheckAsync(cancellationToken);
        }
        catch (Exception e) when (e is BackendException or ToolInputException)
        {
            string said = e is BackendException { SafeMessage: { Length: > 0 } m } ? m.TrimEnd('.') + ". " : "";
            return [new CheckResult("servicenow", CheckStatus.Failed, e is BackendException { Kind: BackendErrorKind.Unauthorized or BackendErrorKind.RateLimited }
                ? said.TrimEnd()
                : $"{said}Check {UrlSetting} ({gateway.Options.InstanceUrl}) and {gateway.Options.CredentialSettings}.")];
        }

        var results = new List<CheckResult>
        {
            new("servicenow", CheckStatus.Ok, $"reached {gateway.Options.InstanceUrl.Host} as {check.User ?? "the signed-in user"} ({gateway.Options.AuthDescription})"),
        };
        foreach ((string table, BackendException? failure) in check.Tables)
        {
            results.Add(failure is null
                ? new CheckResult("table " + table, CheckStatus.Ok, gateway.Options.Writable(table).Count > 0 ? "readable; writes allowed with --allow-writes" : "readable (read-only)")
                : new CheckResult("table " + table, CheckStatus.Failed, $"{failure.SafeMessage?.TrimEnd('.')}. Check ServiceNow:Tables and the user's roles.", "ServiceNow:Tables"));
        }

        return results;
    }
}
