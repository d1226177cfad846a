using System.ComponentModel;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

public sealed class GateTool(CallRecorder recorder, TestGate gate)
{
    [McpServerTool(Name = "test_gate", Title = "Wait for the gate", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Waits until the test opens the gate (proves concurrency caps without timing).")]
    public async Task<string> Wait(CancellationToken cancellationToken)
    {
        recorder.Record();
        await gate.PassAsync(cancellationToken);
        return "Passed the gate.";
    }
}
