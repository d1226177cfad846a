using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

public sealed class SlowTool(CallRecorder recorder)
{
    [McpServerTool(Name = "test_slow", Title = "Wait", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Waits the given number of seconds (cancellable), then answers.")]
    public async Task<string> Wait([Description("Seconds to wait, 0 to 60."), Range(0, 60)] int seconds, CancellationToken cancellationToken)
    {
        recorder.Record();
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        return $"Waited {seconds} s.";
    }
}
