package io.fhs.operators.sparse;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.fhs.operators.model.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Model-free BM25 as sparse vectors for Qdrant's {@code modifier: idf}.
 *
 * <p>Scheme: text is analyzed as Lucene's EnglishAnalyzer does (standard tokenizer, possessives
 * removed, lower-cased, English stop words dropped, Porter stemming; the last two optional). A
 * term's index is {@code murmur3_32(utf8(term)) & 0x7fffffff}. A document's value for a term is the
 * BM25 term-frequency part {@code tf*(k1+1) / (tf + k1*(1 - b + b*len/avgLen))}, with {@code len}
 * its number of analyzed terms; a query's value is the term's count in the query (Lucene sums a
 * clause per occurrence). Qdrant multiplies in the IDF computed over the collection, so dot
 * products are BM25 scores. Terms whose hashes collide share an index (rare: about one pair in
 * 20,000 for a 10,000-term vocabulary).
 */
@PublicEvolving
public final class Bm25Encoder implements SparseEncoder {
    // The "fixed" variant: murmur3_32() hashes characters outside the BMP wrongly.
    private static final HashFunction MURMUR3 = Hashing.murmur3_32_fixed();
    // Decoding needs the term behind a hash; terms seen by this instance are kept, up to a bound.
    private static final int MAX_REMEMBERED_TERMS = 200_000;

    private final Bm25Options options;
    private final Analyzer analyzer;
    private final Map<Integer, String> seenTerms = new ConcurrentHashMap<>();

    public Bm25Encoder(Bm25Options options) {
        this.options = options;
        this.analyzer = analyzer(options);
    }

    public Bm25Encoder() {
        this(Bm25Options.defaults());
    }

    private static Analyzer analyzer(Bm25Options options) {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer source = new StandardTokenizer();
                TokenStream stream = new EnglishPossessiveFilter(source);
                stream = new LowerCaseFilter(stream);
                if (options.stopWords()) {
                    stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
                }
                if (options.stemming()) {
                    stream = new PorterStemFilter(stream);
                }
                return new TokenStreamComponents(source, stream);
            }
        };
    }

    /** The analyzed terms of a text, in order, duplicates kept. */
    public List<String> analyze(String text) {
        List<String> terms = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("Analyzing text failed", e);
        }
        return terms;
    }

    /**
     * The sparse index of a term: MurmurHash3 x86 32-bit (seed 0) of its UTF-8 bytes, which every
     * JVM, run and language (Python's {@code mmh3.hash}) computes alike, so indices never depend on
     * where a text was encoded.
     */
    public static int termIndex(String term) {
        return MURMUR3.hashString(term, StandardCharsets.UTF_8).asInt() & 0x7fffffff;
    }

    @Override
    public List<SparseVector> encode(List<String> texts, Role role) {
        List<SparseVector> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(role == Role.QUERY ? query(text) : document(text));
        }
        return out;
    }

    private SparseVector document(String text) {
        List<String> terms = analyze(text);
        TreeMap<Integer, Integer> tf = new TreeMap<>();
        for (String term : terms) {
            tf.merge(index(term), 1, Integer::sum);
        }
        double norm =
                options.k1() * (1 - options.b() + options.b() * terms.size() / options.avgLen());
        int[] indices = new int[tf.size()];
        float[] values = new float[tf.size()];
        int i = 0;
        for (Map.Entry<Integer, Integer> e : tf.entrySet()) {
            int f = e.getValue();
            indices[i] = e.getKey();
            values[i++] = (float) (f * (options.k1() + 1) / (f + norm));
        }
        return new SparseVector(indices, values);
    }

    // A term that occurs twice in the query counts twice, as in Lucene, where the query parser
    // makes one clause per occurrence and a boolean query sums them.
    private SparseVector query(String text) {
        TreeMap<Integer, Float> counts = new TreeMap<>();
        for (String term : analyze(text)) {
            counts.merge(index(term), 1f, Float::sum);
        }
        int[] indices = counts.keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] values = new float[indices.length];
        int i = 0;
        for (float c : counts.values()) {
            values[i++] = c;
        }
        return new SparseVector(indices, values);
    }

    private int index(String term) {
        int index = termIndex(term);
        if (seenTerms.size() < MAX_REMEMBERED_TERMS) {
            seenTerms.putIfAbsent(index, term);
        }
        return index;
    }

    @Override
    public List<TokenWeight> decode(SparseVector vector, int topK) {
        SparseVector top = vector.topK(topK);
        List<TokenWeight> out = new ArrayList<>(top.size());
        for (int i = 0; i < top.size(); i++) {
            String term = seenTerms.get(top.indices()[i]);
            out.add(new TokenWeight(term != null ? term : "#" + top.indices()[i], top.values()[i]));
        }
        out.sort((a, b) -> Float.compare(b.weight(), a.weight()));
        return out;
    }

    public Bm25Options options() {
        return options;
    }

    @Override
    public boolean needsIdfModifier() {
        return true;
    }

    @Override
    public String describe() {
        return "bm25(k1="
                + options.k1()
                + ", b="
                + options.b()
                + ", avgLen="
                + options.avgLen()
                + ")";
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
