using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MeshClaw.Models.Providers;

/// <summary>Reads a whole non-streamed 2xx body and says, in words, how it fails to be one JSON document, if it does.</summary>
public static class ReplyShape
{
    private const int PreviewLength = 120;

    /// <summary>Null when <paramref name="body"/> is one complete JSON object or array; otherwise the fault and what it looks like.</summary>
    public static (ModelReplyFault Fault, string Problem)? Check(ReadOnlySpan<byte> body, string? mediaType)
    {
        var text = body.Trim(" \t\r\n"u8);
        if (text.IsEmpty)
        {
            return (ModelReplyFault.NotTheProtocol, body.IsEmpty ? "returned an empty body, not JSON" : "returned a blank body, not JSON");
        }

        // The body decides, not the Content-Type: some servers label good JSON text/html.
        if (text[0] == (byte)'<')
        {
            return (ModelReplyFault.NotTheProtocol, $"returned HTML, not JSON: {Preview(text)}");
        }

        if (text[0] is not ((byte)'{' or (byte)'['))
        {
            return (ModelReplyFault.NotTheProtocol, $"returned {(mediaType is null ? "" : mediaType + " ")}text, not JSON: {Preview(text)}");
        }

        // Not the final block: a value that stops part-way makes Read return false instead of throwing, which tells
        // an incomplete (cut) document from a malformed one.
        var reader = new Utf8JsonReader(text, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    return reader.BytesConsumed == text.Length ? null
                        : (ModelReplyFault.NotTheProtocol, $"returned invalid JSON (more after the end of the document): {Preview(text)}");
                }
            }
        }
        catch (JsonException ex)
        {
            return (ModelReplyFault.NotTheProtocol, $"returned invalid JSON ({Reason(ex)}): {Preview(text)}");
        }

        return (ModelReplyFault.Truncated, $"sent a truncated reply: its JSON stops after {body.Length.ToString(CultureInfo.InvariantCulture)} bytes, before the document ends: …{Preview(text[Math.Max(0, text.Length - 60)..])}");
    }

    /// <summary>The start of a body as one line of plain text: control, bidirectional and other invisible characters escaped.</summary>
    public static string Preview(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, PreviewLength * 4)]);
        var preview = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (preview.Length >= PreviewLength)
            {
                preview.Append('…');
                break;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (rune.Value == '\\')
            {
                preview.Append(@"\\");
            }
            else if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                     or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                preview.Append(rune.Value switch
                {
                    '\n' => @"\n",
                    '\r' => @"\r",
                    '\t' => @"\t",
                    <= 0xFFFF => $@"\u{rune.Value:X4}",
                    _ => $@"\U{rune.Value:X8}",
                });
            }
            else
            {
                preview.Append(rune.ToString());
            }
        }

        return preview.ToString();
    }

    // The reader's message carries a line and byte position; the first sentence is the part a person can use.
    private static string Reason(JsonException ex)
    {
        var message = ex.Message;
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }
}
