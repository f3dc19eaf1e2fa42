package dev.portcullis.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown files, resolved as GitHub renders them: a path relative to the
 * file (a file or a folder in the repository) and, for a Markdown target, an optional
 * {@code #anchor} that must be one of its headings' anchors. Links in fenced code blocks and
 * code spans are text, not links; links with a scheme ({@code https:}, {@code mailto:}) are not
 * checked.
 */
final class MarkdownLinks {

	/** {@code [text](target)} and {@code ![alt](target)}, with an optional title. */
	private static final Pattern LINK = Pattern.compile("\\]\\(<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\)");

	private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");

	private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");

	private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

	/** What GitHub drops from a heading's text to make its anchor: all but letters, digits, marks, {@code _}, space and {@code -}. */
	private static final Pattern NOT_IN_ANCHOR = Pattern.compile("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]");

	private MarkdownLinks() {
	}

	/** One link as written: the file, its line (1-based) and the target. */
	record Link(Path file, int line, String target) {

		@Override
		public String toString() {
			return file + ":" + line + " -> " + target;
		}
	}

	/** Every relative link of the files. */
	static List<Link> links(List<Path> files) throws IOException {
		List<Link> links = new ArrayList<>();
		for (Path file : files) {
			List<String> lines = proseLines(Files.readAllLines(file));
			for (int i = 0; i < lines.size(); i++) {
				Matcher link = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll("code"));
				while (link.find()) {
					if (!SCHEME.matcher(link.group(1)).find()) {
						links.add(new Link(file, i + 1, link.group(1)));
					}
				}
			}
		}
		return links;
	}

	/** The links whose file, or heading in that file, does not exist under {@code root}, each with the reason. */
	static List<String> broken(Path root, List<Link> links) throws IOException {
		Path top = root.toAbsolutePath().normalize();
		Map<Path, Set<String>> anchorsByFile = new HashMap<>();
		List<String> broken = new ArrayList<>();
		for (Link link : links) {
			int hash = link.target().indexOf('#');
			String path = hash < 0 ? link.target() : link.target().substring(0, hash);
			String anchor = hash < 0 ? null : link.target().substring(hash + 1);
			Path source = link.file().toAbsolutePath().normalize();
			Path target = path.isEmpty() ? source : source.getParent().resolve(path).normalize();
			if (!target.startsWith(top) || !Files.exists(target)) {
				broken.add(link + ": no such file");
				continue;
			}
			if (anchor == null) {
				continue;
			}
			if (!target.getFileName().toString().endsWith(".md") || Files.isDirectory(target)) {
				broken.add(link + ": an anchor in a file that is not Markdown");
				continue;
			}
			Set<String> anchors = anchorsByFile.get(target);
			if (anchors == null) {
				anchors = anchors(Files.readAllLines(target));
				anchorsByFile.put(target, anchors);
			}
			if (!anchors.contains(anchor)) {
				broken.add(link + ": no such heading (anchors there: " + anchors + ")");
			}
		}
		return broken;
	}

	/** The anchors GitHub gives the headings, in order; a repeated one gets {@code -1}, {@code -2}, … */
	static Set<String> anchors(List<String> markdown) {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		for (String line : proseLines(markdown)) {
			Matcher heading = HEADING.matcher(line);
			if (!heading.matches()) {
				continue;
			}
			String anchor = anchor(heading.group(1));
			int count = seen.merge(anchor, 1, Integer::sum);
			anchors.add(count == 1 ? anchor : anchor + "-" + (count - 1));
		}
		return anchors;
	}

	/** GitHub's anchor of one heading's text: links reduced to their text, lower case, punctuation dropped, spaces made hyphens. */
	static String anchor(String heading) {
		String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
		return NOT_IN_ANCHOR.matcher(text).replaceAll("").replace(' ', '-');
	}

	/** The lines with every line of a fenced code block (fences included) blanked, so numbering stays. */
	private static List<String> proseLines(List<String> lines) {
		List<String> prose = new ArrayList<>(lines.size());
		String fence = null;
		for (String line : lines) {
			String trimmed = line.stripLeading();
			if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
				fence = trimmed.substring(0, 3);
				prose.add("");
			}
			else if (fence != null) {
				if (trimmed.startsWith(fence)) {
					fence = null;
				}
				prose.add("");
			}
			else {
				prose.add(line);
			}
		}
		return prose;
	}

}
