using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Errors;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

public sealed class FailTool(CallRecorder recorder, TestServerSettings settings)
{
    [McpServerTool(Name = "test_fail", Title = "Fail on purpose", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Fails in the requested way: input (the model's fault), backend (the system's), or bug (ours).")]
    public string Fail([Description("How to fail."), AllowedValues("input", "backend", "bug")] string mode)
    {
        recorder.Record();
        // The messages carry details that must never reach the model: a host name and the configured secret.
        string detail = $"db-7.internal.example:5432 key={settings.ApiKey}";
        throw mode switch
        {
            "input" => new ToolInputException("`mode` input: pick another mode."),
            "backend" => new BackendException(BackendErrorKind.Unavailable, innerException: new InvalidOperationException(detail)),
            _ => new InvalidOperationException(detail),
        };
    }
}
