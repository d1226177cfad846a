using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

public sealed class SumTool(CallRecorder recorder)
{
    [McpServerTool(Name = "test_sum", Title = "Add numbers", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Adds whole numbers and lists the tags given (list parameters as the SDK generates them).")]
    public string Sum(
        [Description("Whole numbers to add.")] IReadOnlyList<int> numbers,
        [Description("Optional tags.")] IReadOnlyList<string>? tags = null,
        [Description("Optional limit, 1 to 50."), Range(1, 50)] int? limit = null)
    {
        recorder.Record();
        // Throws on a null item: the pipeline must never let one through.
        string labels = string.Join(",", (tags ?? []).Select(t => t.ToUpperInvariant()));
        return $"{numbers.Sum()} [{labels}] limit {limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}";
    }
}
