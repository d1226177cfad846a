namespace McpServers.Shared.Errors;

/// <summary>
/// The model can fix its input. The message is shown to the model verbatim, so it must be an instruction
/// ("`period` must look like 2026-Q3") and must never contain backend details, SQL or secrets.
/// </summary>
public sealed class ToolInputException : Exception
{
    public ToolInputException(string message) : base(message) { }

    public ToolInputException(string message, Exception innerException) : base(message, innerException) { }

    public ToolInputException() : base("The tool arguments are not valid.") { }
}
