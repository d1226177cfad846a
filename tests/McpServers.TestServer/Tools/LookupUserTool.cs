using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using McpServers.Shared.Pipeline;
using ModelContextProtocol.Server;

namespace McpServers.TestServer.Tools;

public sealed class LookupUserTool(CallRecorder recorder)
{
    [McpServerTool(Name = "test_lookup_user", Title = "Look up a user", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Pretends to look up a user; its `password` and `pin` arguments exist to prove audit redaction.")]
    [SecretParameters("pin")]
    public string Lookup(
        [Description("User name."), StringLength(64, MinimumLength = 1)] string user,
        [Description("A secret-looking argument."), StringLength(200)] string password = "",
        [Description("A secret argument without a secret-looking name."), StringLength(12)] string pin = "")
    {
        recorder.Record();
        return $"User {user} exists (password given: {password.Length > 0}, pin given: {pin.Length > 0}).";
    }
}
