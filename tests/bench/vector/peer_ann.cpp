// Peer harness for the vector benchmark: hnswlib (header-only, headers taken
// from the npm package at benchmark time) or FAISS IndexHNSWFlat (Debian's
// libfaiss.a), chosen at compile time with -DPEER_HNSWLIB or -DPEER_FAISS.
// Compiled by tests/bench/run-vector-bench.sh with -O3 -march=native; neither
// library is vendored. Prints one key=value line per measurement, in the same
// format as alopex-vector-bench, so the script can tabulate both sides.
//
//   peer --base B.fvecs --query Q.fvecs --gt GT.ivecs --metric l2|ip
//        --m 16 --efc 64 --ef 10,20,40,80,160 --threads 1,2
//        --build-threads 2 --label s128 [--count 1]
//
// --count 1: instead of timing, one single-threaded pass per ef printing
// the distance computations per query (op=count), as alopex-vector-bench
// does: hnswlib's distance function wrapped in a counter, FAISS's own
// hnsw_stats.ndis (n/a where the FAISS build does not fill it in).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#if defined(PEER_HNSWLIB)
#include <hnswlib/hnswlib.h>
static const char *peer_name = "hnswlib";
#elif defined(PEER_FAISS)
#include <faiss/IndexHNSW.h>
#include <omp.h>
static const char *peer_name = "faiss";
#else
#error "define PEER_HNSWLIB or PEER_FAISS"
#endif

#if defined(PEER_HNSWLIB)
// Counts calls of the wrapped space's distance function (--count 1).
static std::atomic<uint64_t> count_dists{0};
static hnswlib::DISTFUNC<float> count_inner;

static float count_dist(const void *a, const void *b, const void *param)
{
	count_dists.fetch_add(1, std::memory_order_relaxed);
	return count_inner(a, b, param);
}

class CountingSpace : public hnswlib::SpaceInterface<float>
{
	hnswlib::SpaceInterface<float> *inner_;

      public:
	explicit CountingSpace(hnswlib::SpaceInterface<float> *inner)
	    : inner_(inner)
	{
		count_inner = inner->get_dist_func();
	}
	size_t get_data_size() override
	{
		return inner_->get_data_size();
	}
	hnswlib::DISTFUNC<float> get_dist_func() override
	{
		return count_dist;
	}
	void *get_dist_func_param() override
	{
		return inner_->get_dist_func_param();
	}
};
#endif

static double now_s()
{
	return std::chrono::duration<double>(
		       std::chrono::steady_clock::now().time_since_epoch())
		.count();
}

// CPU seconds (user + system, every thread) in a getrusage sample: on a
// busy shared machine a build's CPU time says more than its wall time.
static double cpu_s(const struct rusage *r)
{
	return (double)r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 +
	       (double)r->ru_stime.tv_sec + r->ru_stime.tv_usec / 1e6;
}

static long rss_bytes()
{
	FILE *f = std::fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;
	if (f) {
		if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		std::fclose(f);
	}
	return resident * 4096L;
}

template <typename T>
static std::vector<T> load_vecs(const char *path, uint32_t &dim, size_t &n)
{
	FILE *f = std::fopen(path, "rb");
	if (!f) {
		std::fprintf(stderr, "peer: cannot open %s\n", path);
		std::exit(2);
	}
	int32_t d = 0;
	if (std::fread(&d, 4, 1, f) != 1 || d <= 0) {
		std::fprintf(stderr, "peer: %s is not a vecs file\n", path);
		std::exit(2);
	}
	std::fseek(f, 0, SEEK_END);
	long size = std::ftell(f);
	std::fseek(f, 0, SEEK_SET);
	size_t row = 4 + (size_t)d * 4;
	n = (size_t)size / row;
	dim = (uint32_t)d;
	std::vector<T> out(n * dim);
	for (size_t i = 0; i < n; i++) {
		int32_t rd;
		if (std::fread(&rd, 4, 1, f) != 1 || rd != d ||
		    std::fread(&out[i * dim], 4, dim, f) != dim) {
			std::fprintf(stderr, "peer: %s: bad row %zu\n", path,
				     i);
			std::exit(2);
		}
	}
	std::fclose(f);
	return out;
}

static std::vector<int> split_ints(const char *s)
{
	std::vector<int> v;
	while (*s) {
		v.push_back(std::atoi(s));
		const char *c = std::strchr(s, ',');
		if (!c)
			break;
		s = c + 1;
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *base_path = nullptr, *query_path = nullptr,
		   *gt_path = nullptr, *metric = "l2", *label = "data";
	int m = 16, efc = 64, build_threads = 2, count = 0;
	std::vector<int> efs = {10, 20, 40, 80, 160}, threads = {1, 2};
	double min_seconds = 1.0;
	for (int i = 1; i + 1 < argc; i += 2) {
		std::string k = argv[i];
		const char *v = argv[i + 1];
		if (k == "--base")
			base_path = v;
		else if (k == "--query")
			query_path = v;
		else if (k == "--gt")
			gt_path = v;
		else if (k == "--metric")
			metric = v;
		else if (k == "--label")
			label = v;
		else if (k == "--m")
			m = std::atoi(v);
		else if (k == "--efc")
			efc = std::atoi(v);
		else if (k == "--build-threads")
			build_threads = std::atoi(v);
		else if (k == "--ef")
			efs = split_ints(v);
		else if (k == "--threads")
			threads = split_ints(v);
		else if (k == "--count")
			count = std::atoi(v);
		else if (k == "--min-seconds")
			min_seconds = std::atof(v);
		else {
			std::fprintf(stderr, "peer: unknown option %s\n",
				     k.c_str());
			return 2;
		}
	}
	if (!base_path || !query_path || !gt_path) {
		std::fprintf(stderr, "peer: --base --query --gt required\n");
		return 2;
	}
	bool ip = std::strcmp(metric, "ip") == 0;
	uint32_t dim, qdim, gk;
	size_t n, nq, ngt;
	std::vector<float> base = load_vecs<float>(base_path, dim, n);
	std::vector<float> query = load_vecs<float>(query_path, qdim, nq);
	std::vector<int32_t> gt = load_vecs<int32_t>(gt_path, gk, ngt);
	if (qdim != dim || ngt != nq || gk < 10) {
		std::fprintf(stderr, "peer: inconsistent inputs\n");
		return 2;
	}
	const int k = 10;

	long rss0 = rss_bytes();
	struct rusage ru0;
	getrusage(RUSAGE_SELF, &ru0);
	double t0 = now_s();
#if defined(PEER_HNSWLIB)
	hnswlib::SpaceInterface<float> *space;
	hnswlib::SpaceInterface<float> *plain_space;
	if (ip)
		plain_space = new hnswlib::InnerProductSpace(dim);
	else
		plain_space = new hnswlib::L2Space(dim);
	space = count ? new CountingSpace(plain_space) : plain_space;
	auto *index =
		new hnswlib::HierarchicalNSW<float>(space, n, m, efc, 100);
	{
		// hnswlib's addPoint is thread-safe; split ids round-robin.
		std::vector<std::thread> pool;
		for (int t = 0; t < build_threads; t++)
			pool.emplace_back([&, t] {
				for (size_t i = t; i < n; i += build_threads)
					index->addPoint(&base[i * dim], i);
			});
		for (auto &th : pool)
			th.join();
	}
#else
	omp_set_num_threads(build_threads);
	faiss::IndexHNSWFlat index((int)dim, m,
				   ip ? faiss::METRIC_INNER_PRODUCT
				      : faiss::METRIC_L2);
	index.hnsw.efConstruction = efc;
	index.add((faiss::Index::idx_t)n, base.data());
	omp_set_num_threads(1);
#endif
	double build_s = now_s() - t0;
	long rss1 = rss_bytes();
	struct rusage ru1;
	getrusage(RUSAGE_SELF, &ru1);
	std::printf("engine=%s data=%s op=build n=%zu dim=%u m=%d efc=%d "
		    "threads=%d seconds=%.3f bytes_per_vector=%.1f "
		    "cpu_seconds=%.3f vcs=%ld\n",
		    peer_name, label, n, dim, m, efc, build_threads, build_s,
		    (double)(rss1 - rss0) / (double)n,
		    cpu_s(&ru1) - cpu_s(&ru0), ru1.ru_nvcsw - ru0.ru_nvcsw);

	std::vector<int64_t> results(nq * k);
	if (count) {
#if defined(PEER_HNSWLIB)
		std::printf("engine=%s data=%s op=count phase=build "
			    "dists_per_insert=%.1f\n",
			    peer_name, label,
			    (double)count_dists.load() / (double)n);
#endif
		threads = {1};
		min_seconds = 0;
	}
	for (int ef : efs) {
		for (int nthreads : threads) {
#if defined(PEER_HNSWLIB)
			index->setEf(ef);
#else
			index.hnsw.efSearch = ef;
#endif
#if defined(PEER_HNSWLIB)
			count_dists = 0;
#else
			faiss::hnsw_stats.reset();
#endif
			// Repeat whole query passes until min_seconds, bounded.
			double start = now_s(), elapsed = 0;
			size_t done = 0;
			for (int pass = 0; pass < 50; pass++) {
				std::vector<std::thread> pool;
				for (int t = 0; t < nthreads; t++)
					pool.emplace_back([&, t] {
#if defined(PEER_FAISS)
						// Per-thread ICV: no nested team
						// for a one-query search.
						omp_set_num_threads(1);
#endif
						for (size_t q = t; q < nq;
						     q += nthreads) {
							const float *qv =
								&query[q * dim];
#if defined(PEER_HNSWLIB)
							auto r =
								index->searchKnn(
									qv, k);
							size_t j = r.size();
							for (size_t z = j;
							     z < (size_t)k; z++)
								results[q * k +
									z] = -1;
							while (!r.empty()) {
								results[q * k +
									--j] =
									(int64_t)r
										.top()
										.second;
								r.pop();
							}
#else
							float dist[k];
							faiss::Index::idx_t
								lab[k];
							index.search(1, qv, k,
								     dist, lab);
							for (int z = 0; z < k;
							     z++)
								results[q * k +
									z] =
									lab[z];
#endif
						}
					});
				for (auto &th : pool)
					th.join();
				done += nq;
				elapsed = now_s() - start;
				if (elapsed >= min_seconds)
					break;
			}
			size_t hit = 0;
			for (size_t q = 0; q < nq; q++)
				for (int a = 0; a < k; a++)
					for (int b = 0; b < k; b++)
						if (results[q * k + a] ==
						    gt[q * gk + b]) {
							hit++;
							break;
						}
#if defined(PEER_HNSWLIB)
			uint64_t ndis = count_dists.load();
#else
			uint64_t ndis = faiss::hnsw_stats.ndis;
#endif
			// FAISS 1.7.3's single-query path leaves ndis at 0:
			// say so rather than print a false zero.
			if (count && ndis == 0)
				std::printf("engine=%s data=%s op=count ef=%d "
					    "recall=%.4f dists_per_query=n/a\n",
					    peer_name, label, ef,
					    (double)hit / (double)(nq * k));
			else if (count)
				std::printf(
					"engine=%s data=%s op=count ef=%d "
					"recall=%.4f dists_per_query=%.1f\n",
					peer_name, label, ef,
					(double)hit / (double)(nq * k),
					(double)ndis / (double)nq);
			else
				std::printf("engine=%s data=%s op=search ef=%d "
					    "threads=%d recall=%.4f qps=%.1f\n",
					    peer_name, label, ef, nthreads,
					    (double)hit / (double)(nq * k),
					    (double)done / elapsed);
			std::fflush(stdout);
		}
	}
#if defined(PEER_HNSWLIB)
	delete index;
	if (space != plain_space)
		delete space;
	delete plain_space;
#endif
	return 0;
}
