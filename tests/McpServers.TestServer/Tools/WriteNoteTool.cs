using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

public sealed class WriteNoteTool(CallRecorder recorder)
{
    [McpServerTool(Name = "test_write_note", Title = "Write a note", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Pretends to write a note (a write tool that needs confirmation).")]
    [RequiresConfirmation]
    public string WriteNote(
        [Description("Note title."), StringLength(80, MinimumLength = 1)] string title,
        [Description("Note text."), StringLength(2000)] string body = "")
    {
        recorder.Record();
        return $"Wrote note '{title}' ({body.Length} characters).";
    }
}
