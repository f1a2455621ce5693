namespace MeshClaw.IntegrationTests.Dashboard;

/// <summary>Where the browser tests leave their screenshots: artifacts/screenshots at the repository's root.</summary>
internal static class Screenshots
{
    public static string Path(string name) => System.IO.Path.Combine(BrowserFixture.Screenshots, name + ".png");
}
