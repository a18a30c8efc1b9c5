using System.Text.RegularExpressions;

namespace GcsMedia.Emulator;

/// <summary>GCS bucket naming rules (the subset without dots-as-domains checks).</summary>
internal static partial class BucketNames
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")]
    private static partial Regex Pattern();

    /// <summary>Returns the name, or throws a 400 naming the rule it breaks.</summary>
    public static string Validate(string name)
    {
        if (!Pattern().IsMatch(name))
            throw GcsException.BadRequest(
                $"Invalid bucket name: '{name}' (3 to 222 characters: lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit)",
                "InvalidBucketName");
        return name;
    }
}
