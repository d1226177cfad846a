using System.Text;
using McpServers.Documents.Extraction;
using static McpServers.Documents.Tests.Extraction.TestFiles;

namespace McpServers.Documents.Tests.Extraction;

/// <summary>Every file that cannot be read gives a clear per-file message, whatever its name claims; never a crash.</summary>
public sealed class UnreadableFileTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        // Name and content disagree: the content decides.
        { "elf", "tool.exe", "Files of type '.exe' cannot be read as text (supported: PDF, Word, Excel, PowerPoint, HTML, Markdown, text, CSV)." },
        { "executable", "setup.txt", "The file is named '.txt' but holds binary content, not text: it was not read." },
        { "executable", "notes.md", "The file is named '.md' but holds binary content, not text: it was not read." },
        { "executable", "data.csv", "The file is named '.csv' but holds binary content, not text: it was not read." },
        { "nul bytes", "data.txt", "The file is named '.txt' but holds binary content, not text: it was not read." },
        { "words", "report.pdf", "The PDF file is corrupt: its content does not start like a PDF." },
        { "words", "report.docx", "The .docx file is corrupt: its content is not an Office (zip) package." },

        // Password-protected Word, Excel and PowerPoint files are OLE compound files holding an EncryptedPackage stream.
        { "compound file", "salaries.xlsx", "The Office file is encrypted (password-protected): it cannot be read." },
        { "compound file", "old.doc", "Legacy Office files (.doc, .xls, .ppt) and other compound files are not supported: save it as .docx, .xlsx or .pptx." },

        { "encrypted pdf", "secret.pdf", "The PDF is encrypted: it cannot be read (it needs a password)." },
        { "garbage pdf", "broken.pdf", "The PDF is corrupt: its structure could not be read." },

        { "corrupt zip", "broken.xlsx", "The Office file is corrupt or uses features that cannot be read." },
        { "docx with broken xml", "broken.docx", "The Office file is corrupt or uses features that cannot be read." },
        { "zip without relationships", "odd.docx", "The docx file is corrupt: it has no main part." },
        { "plain zip", "archive.docx", "The file is a zip archive, not a Word, Excel or PowerPoint document: it cannot be read as text." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UnreadableFile_IsAClearPerFileError(string content, string fileName, string message)
    {
        ExtractionException e = await RefusedAsync(Content(content), fileName);

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Refusal_OfAHostileExtension_ShowsItCleanedAndShort()
    {
        ExtractionException e = await RefusedAsync("text"u8.ToArray(), "x.\u202Egpj" + new string('a', 100));

        Assert.DoesNotContain("\u202E", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('a', 20), e.Message, StringComparison.Ordinal);
    }

    private static byte[] Content(string name) => name switch
    {
        "elf" => [0x7f, 0x45, 0x4c, 0x46],
        "executable" => [.. "MZ"u8, 0x90, 0x00, 0x03, 0x00, .. new byte[64]],
        "nul bytes" => [0x41, 0x00, 0x42, 0x00, 0x01, 0x02],
        "words" => "just some words"u8.ToArray(),
        "compound file" => [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, .. new byte[504]],
        "encrypted pdf" => EncryptedPdf(),
        "garbage pdf" => "%PDF-1.7\n\u0001\u0002 this is not a document at all"u8.ToArray(),
        "corrupt zip" => [.. "PK\u0003\u0004"u8, .. Encoding.ASCII.GetBytes(new string('?', 200))],
        "docx with broken xml" => ReplaceEntry(Docx(Paragraph(null, Run("fine"))), "word/document.xml", "<w:document this is not xml"u8.ToArray()),
        "zip without relationships" => Zip(WordParts("<w:document/>"u8.ToArray())),
        "plain zip" => Zip(("readme.txt", "hello"u8.ToArray())),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
