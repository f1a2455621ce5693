using MeshClaw.Host.Dashboard;

namespace MeshClaw.Tests.Dashboard;

/// <summary>An exported name can never become a spreadsheet formula or break the row.</summary>
public sealed class CsvTests
{
    [Theory]
    [InlineData("inbox", "\"inbox\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1", "\"'+1\"")]
    [InlineData("-2", "\"'-2\"")]
    [InlineData("@sum", "\"'@sum\"")]
    [InlineData("a,b", "\"a,b\"")]
    public void Field_IsQuotedAndNeutralised(string value, string expected) => Assert.Equal(expected, Csv.Field(value));
}
