using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

public sealed class EchoTool(CallRecorder recorder, ITestBackend backend)
{
    [McpServerTool(Name = "test_echo", Title = "Echo", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Echoes a message back, repeated `count` times. Use to check connectivity.")]
    public string Echo(
        [Description("Text to echo, 1 to 200 characters."), StringLength(200, MinimumLength = 1)] string message,
        [Description("How many times to repeat it, 1 to 5."), Range(1, 5)] int count = 1,
        [Description("An optional colour label."), AllowedValues("red", "green")] string? color = null)
    {
        recorder.Record();
        string text = backend.Echo(string.Join(" ", Enumerable.Repeat(message, count)));
        return color is null ? text : $"[{color}] {text}";
    }
}
