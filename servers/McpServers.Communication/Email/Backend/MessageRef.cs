using System.Buffers.Text;
using System.Globalization;
using System.Text;
using McpServers.Shared.Errors;

namespace McpServers.Communication.Email.Backend;

/// <summary>
/// A message's id as the tools hand it out: its folder, the folder's UIDVALIDITY and its UID, written as
/// <c>folder(base64url).uidvalidity.uid</c>. Opaque to the model, stable across restarts, and checked on every use:
/// the folder must still be allowed and the UIDVALIDITY still current, so an edited id reaches nothing the tools
/// would not show anyway.
/// </summary>
public sealed record MessageRef(string Folder, uint UidValidity, uint Uid)
{
    /// <summary>The shape of an id, advertised in the schema.</summary>
    public const string Pattern = "^[A-Za-z0-9_-]{1,400}\\.[0-9]{1,10}\\.[0-9]{1,10}$";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Folder))}.{UidValidity}.{Uid}");

    /// <summary>Reads an id made by <see cref="ToString"/>, or throws <see cref="ToolInputException"/> naming the parameter.</summary>
    public static MessageRef Parse(string? text, string parameterName)
    {
        string[] parts = (text ?? string.Empty).Split('.');
        if (parts.Length == 3 && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint validity)
            && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid) && uid > 0)
        {
            try
            {
                string folder = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0]));
                if (folder.Length > 0 && !folder.Any(char.IsControl))
                {
                    return new MessageRef(folder, validity, uid);
                }
            }
            catch (FormatException)
            {
                // Falls through to the input error below.
            }
        }

        throw new ToolInputException($"`{parameterName}` must be a message id exactly as email_search or email_get_thread returned it.");
    }
}
