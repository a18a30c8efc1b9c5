using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace GcsMedia.Transfers
{
    /// <summary>
    /// Include/exclude wildcards for folder transfers, case-insensitive like PowerShell's: * any run of characters,
    /// ? one character, [abc] one of a set. A pattern without '/' matches the file name; with '/', the path relative
    /// to the folder (always with '/', e.g. "logs/*.txt"). Exclusions win.
    /// </summary>
    public sealed class FolderFilter
    {
        private readonly Regex[] _include;
        private readonly Regex[] _exclude;
        private readonly bool[] _includeByPath;
        private readonly bool[] _excludeByPath;

        public FolderFilter(IEnumerable<string>? include, IEnumerable<string>? exclude)
        {
            string[] includes = (include ?? Enumerable.Empty<string>()).Where(p => !string.IsNullOrEmpty(p)).ToArray();
            string[] excludes = (exclude ?? Enumerable.Empty<string>()).Where(p => !string.IsNullOrEmpty(p)).ToArray();
            _include = includes.Select(ToRegex).ToArray();
            _exclude = excludes.Select(ToRegex).ToArray();
            _includeByPath = includes.Select(p => p.IndexOf('/') >= 0).ToArray();
            _excludeByPath = excludes.Select(p => p.IndexOf('/') >= 0).ToArray();
        }

        /// <summary>Whether the file at <paramref name="relativePath"/> ('/'-separated) is transferred.</summary>
        public bool Accepts(string relativePath)
        {
            int slash = relativePath.LastIndexOf('/');
            string name = slash < 0 ? relativePath : relativePath.Substring(slash + 1);
            if (Matches(_exclude, _excludeByPath, relativePath, name))
            {
                return false;
            }

            return _include.Length == 0 || Matches(_include, _includeByPath, relativePath, name);
        }

        private static bool Matches(Regex[] patterns, bool[] byPath, string relativePath, string name)
        {
            for (int i = 0; i < patterns.Length; i++)
            {
                if (patterns[i].IsMatch(byPath[i] ? relativePath : name))
                {
                    return true;
                }
            }

            return false;
        }

        private static Regex ToRegex(string pattern)
        {
            var regex = new StringBuilder("^");
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                switch (c)
                {
                    case '*':
                        regex.Append(".*");
                        break;
                    case '?':
                        regex.Append('.');
                        break;
                    case '[':
                        int close = pattern.IndexOf(']', i + 1);
                        if (close > i + 1)
                        {
                            regex.Append('[').Append(Regex.Escape(pattern.Substring(i + 1, close - i - 1)).Replace("\\-", "-")).Append(']');
                            i = close;
                        }
                        else
                        {
                            regex.Append("\\[");
                        }

                        break;
                    default:
                        regex.Append(Regex.Escape(c.ToString()));
                        break;
                }
            }

            return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
    }
}
