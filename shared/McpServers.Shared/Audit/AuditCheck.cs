using McpServers.Shared.Hosting;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Options;

namespace McpServers.Shared.Audit;

/// <summary>
/// <c>--check</c>'s audit line: whether the audit log can be written. A failure blocks every write tool, so it fails
/// the check when writes are allowed; in read-only mode the server still serves (a warning).
/// </summary>
internal sealed class AuditCheck(AuditLog audit, IOptions<PolicyOptions> policy) : IServerCheck
{
    public Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        CheckResult result = audit.Probe() is { } problem
            ? new CheckResult("audit", policy.Value.ReadOnly ? CheckStatus.Warning : CheckStatus.Failed,
                problem + (policy.Value.ReadOnly ? " (read tools still run; write tools would be refused)" : "; write tools are refused until then"))
            : new CheckResult("audit", CheckStatus.Ok, audit.Target);
        return Task.FromResult<IReadOnlyList<CheckResult>>([result]);
    }
}
