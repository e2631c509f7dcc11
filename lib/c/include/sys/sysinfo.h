/* System-wide statistics: memory, load, uptime (Linux's struct). */
#ifndef _SYS_SYSINFO_H
#define _SYS_SYSINFO_H

struct sysinfo {
	long uptime;		/* seconds since boot */
	unsigned long loads[3]; /* 1, 5, 15 minute load averages */
	unsigned long totalram; /* the memory sizes are in mem_unit bytes */
	unsigned long freeram;
	unsigned long sharedram;
	unsigned long bufferram;
	unsigned long totalswap;
	unsigned long freeswap;
	unsigned short procs; /* the number of processes */
	unsigned long totalhigh;
	unsigned long freehigh;
	unsigned int mem_unit;
};

int sysinfo(struct sysinfo *info);

#endif
