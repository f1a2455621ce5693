namespace MeshClaw.Host.Dashboard;

/// <summary>
/// CSV fields that a spreadsheet reads as text: quoted, quotes doubled, and a leading '=', '+', '-', '@' (or tab,
/// carriage return) neutralised with an apostrophe, so an agent or model name cannot become a formula.
/// </summary>
public static class Csv
{
    public static string Field(string value)
    {
        var safe = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
