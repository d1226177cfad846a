using System.Diagnostics.CodeAnalysis;

// Tool method parameters are the wire names the model sees (snake_case, e.g. message_id), as in servers/*/Tools
// (.editorconfig); the e-mail tools live one folder deeper, under Email/Tools.
[assembly: SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Scope = "namespaceanddescendants",
    Target = "~N:McpServers.Communication.Email.Tools", Justification = "Tool parameters are snake_case wire names.")]
